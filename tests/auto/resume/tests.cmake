# Reconnect and resume (docs/protocol.md, "Reconnect and resume").
set(HEARTH_RESUME_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})

# RoomClient's reconnect, resume and outbox against an in-process server.
hearth_add_test(tst_resume
    SOURCES ${HEARTH_RESUME_TEST_DIR}/tst_resume.cpp ${HEARTH_RESUME_TEST_DIR}/resumetest.h
    LIBS hearth_client LABELS resume TIMEOUT 120)

# Real processes: kill -9 of `hearth serve` under a burst from 50 clients; SIGSTOP/SIGCONT and
# SIGKILL of a `hearth join --headless` process.
hearth_add_test(tst_resumeprocess
    SOURCES ${HEARTH_RESUME_TEST_DIR}/tst_resumeprocess.cpp ${HEARTH_RESUME_TEST_DIR}/resumetest.h
    LIBS hearth_client LABELS resume TIMEOUT 180 RUNS_HEARTH)

# A cut network (nftables drop rule in a network namespace of its own); skips without root.
hearth_add_test(tst_netcut
    SOURCES ${HEARTH_RESUME_TEST_DIR}/tst_netcut.cpp ${HEARTH_RESUME_TEST_DIR}/headlessjoiner.h
        ${HEARTH_RESUME_TEST_DIR}/resumetest.h
    LIBS hearth_client LABELS resume TIMEOUT 150 RUNS_HEARTH)

# The same against PostgreSQL (scripts/test.sh provides one; skipped with a message otherwise).
add_test(NAME tst_resume_postgresql COMMAND tst_resume)
set_tests_properties(tst_resume_postgresql PROPERTIES
    ENVIRONMENT "HEARTH_TEST_BACKEND=postgresql" TIMEOUT 180 LABELS "resume;postgresql"
    RESOURCE_LOCK postgresql)
