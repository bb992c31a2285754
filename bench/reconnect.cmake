# hearth-bench-reconnect: reconnect and resume figures with the real client (RoomClient) against
# a real `hearth serve` (docs/benchmarks.md, "Reconnect and resume").
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux" OR NOT TARGET hearth)
    return()
endif()

add_executable(hearth-bench-reconnect reconnect/main.cpp)
target_link_libraries(hearth-bench-reconnect PRIVATE hearth_client hearth_warnings)
target_compile_definitions(hearth-bench-reconnect PRIVATE
    HEARTH_BENCH_HEARTH_BINARY="$<TARGET_FILE:hearth>")
add_dependencies(hearth-bench-reconnect hearth)

if(HEARTH_BUILD_TESTS)
    # CI size: 10 clients, 2 rooms, 2 forced reconnects. Fails on a lost or duplicated message or
    # a client whose events differ from the history, never on speed.
    add_test(NAME bench_reconnect_tiny COMMAND hearth-bench-reconnect --tiny)
    set_tests_properties(bench_reconnect_tiny PROPERTIES LABELS bench TIMEOUT 180)
endif()
