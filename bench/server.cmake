# hearth-bench-server: the room server benchmark (docs/benchmarks.md). A plain POSIX (epoll)
# load generator: it shares a 2-core machine with the server it measures, so every cycle it
# spends is one the server does not get. Its requests and the replies off the per-message path
# go through the protocol codec (hearth_protocol, core/protocol); each chat event it counts is only
# scanned (server/jsonscan.h says why).
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux" OR NOT TARGET hearth)
    return()
endif()

find_package(Threads REQUIRED)
# TLS for the clients (wss://): libssl drives each client's session on its non-blocking socket.
find_package(OpenSSL 1.1 REQUIRED COMPONENTS SSL Crypto)

add_executable(hearth-bench-server
    server/main.cpp
    server/phases.h server/phases.cpp
    server/loadworker.h server/loadworker.cpp
    server/serverprocess.h server/serverprocess.cpp
    server/jsonscan.h
    server/tlsclient.h server/tlsclient.cpp
)
target_link_libraries(hearth-bench-server PRIVATE
    hearth_protocol hearth_security OpenSSL::SSL OpenSSL::Crypto Threads::Threads hearth_warnings)
set_target_properties(hearth-bench-server PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF)
target_compile_definitions(hearth-bench-server PRIVATE
    HEARTH_BENCH_HEARTH_BINARY="$<TARGET_FILE:hearth>")
# The benchmark starts the server it measures; build them together.
add_dependencies(hearth-bench-server hearth)

if(HEARTH_BUILD_TESTS)
    # CI size: a few seconds. Fails on lost or duplicated messages or a phase that cannot run,
    # never on speed. Plain ws:// on the server's default transport (--no-tls is passed on only
    # to a hearth serve that has it).
    add_test(NAME bench_server_tiny COMMAND hearth-bench-server --tiny --no-tls)
    set_tests_properties(bench_server_tiny PROPERTIES LABELS bench TIMEOUT 120)

    # The other two configurations of docs/benchmarks.md: TLS on the Qt transport (what
    # `hearth serve` does by default, issue 11) and the native transport. Each is skipped
    # (exit 77) while this build's hearth serve lacks --transport or --tls-cert.
    add_test(NAME bench_server_tiny_tls
        COMMAND hearth-bench-server --tiny --transport qt --tls --skip-unsupported)
    set_tests_properties(bench_server_tiny_tls PROPERTIES
        LABELS bench TIMEOUT 150 SKIP_RETURN_CODE 77)
    # (Not in a build without the native transport: its hearth serve would refuse it.)
    if(NOT DEFINED HEARTH_NATIVE_TRANSPORT OR HEARTH_NATIVE_TRANSPORT)
        add_test(NAME bench_server_tiny_native
            COMMAND hearth-bench-server --tiny --transport native --skip-unsupported)
        set_tests_properties(bench_server_tiny_native PROPERTIES
            LABELS bench TIMEOUT 150 SKIP_RETURN_CODE 77)
    endif()

endif()
