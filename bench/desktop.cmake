# hearth-bench-desktop: figures of the desktop app (startup to lobby, join to participants list,
# memory with a big room, frame times while scrolling a long chat). Printed, never asserted.
if(NOT HEARTH_BUILD_GUI OR NOT TARGET hearth_uiplugin OR NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    return()
endif()

add_executable(hearth-bench-desktop desktop/main.cpp)
target_link_libraries(hearth-bench-desktop PRIVATE
    hearth_desktop hearth_host hearth_server hearth_uiplugin Qt6::Gui Qt6::Quick Qt6::QuickControls2 hearth_warnings)
target_compile_definitions(hearth-bench-desktop PRIVATE
    HEARTH_BENCH_HEARTH_BINARY="$<TARGET_FILE:hearth>")
add_dependencies(hearth-bench-desktop hearth)

if(HEARTH_BUILD_TESTS)
    # CI size: a few seconds; fails only when a phase cannot run at all.
    add_test(NAME bench_desktop_tiny COMMAND hearth-bench-desktop --tiny)
    set_tests_properties(bench_desktop_tiny PROPERTIES LABELS bench TIMEOUT 120
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;HEARTH_DISCOVERY_TARGETS=127.255.255.255;HEARTH_DISCOVERY_PORT=47899")
endif()
