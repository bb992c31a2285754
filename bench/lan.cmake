# hearth-bench-lan: time for a code-only lookup to find its host among several servers sharing
# the discovery port (docs/benchmarks.md). Loopback only. Uses the tests' in-process server.
if(NOT HEARTH_BUILD_TESTS OR NOT TARGET hearth_testsupport)
    return()
endif()

add_executable(hearth-bench-lan lan/main.cpp)
target_link_libraries(hearth-bench-lan PRIVATE hearth_testsupport hearth_server hearth_client
    Qt6::Test hearth_warnings)
add_test(NAME bench_lan_tiny COMMAND hearth-bench-lan --tiny)
set_tests_properties(bench_lan_tiny PROPERTIES LABELS bench TIMEOUT 120)
