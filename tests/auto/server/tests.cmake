# Unit tests of the server's parts (frames, WebSocket transport, room rules, storage) and
# integration tests of bad input and of the real `hearth serve` process.
hearth_add_test(tst_frames SOURCES tst_frames.cpp TIMEOUT 60)
hearth_add_test(tst_roomrules SOURCES tst_roomrules.cpp TIMEOUT 60)
hearth_add_test(tst_sqlstorage SOURCES tst_sqlstorage.cpp TIMEOUT 60)
hearth_add_test(tst_badinput SOURCES tst_badinput.cpp TIMEOUT 120)
hearth_add_test(tst_serveprocess SOURCES tst_serveprocess.cpp TIMEOUT 180 RUNS_HEARTH)
# LAN discovery over real UDP sockets on loopback (server/lan, core/discovery) and the real
# processes: `hearth serve` found by `hearth join CODE`.
hearth_add_test(tst_landiscovery SOURCES tst_landiscovery.cpp LIBS hearth_security TIMEOUT 120 RUNS_HEARTH)
# The same between two hosts (network namespaces made and removed by the test; skips where
# the machine does not allow them), discovery in its automatic, every-interface mode.
hearth_add_test(tst_landiscovery_netns SOURCES tst_landiscovery_netns.cpp LIBS hearth_security TIMEOUT 120 RUNS_HEARTH)
# The native transport's own parts (server/net: RFC 6455 frames, the connection, the epoll
# dispatcher): built only with it.
if(HEARTH_NATIVE_TRANSPORT)
    hearth_add_test(tst_websocket SOURCES tst_websocket.cpp TIMEOUT 60)
    hearth_add_test(tst_epolldispatcher SOURCES tst_epolldispatcher.cpp TIMEOUT 60)
    # The connection's own socket notifiers on `hearth serve`'s dispatcher too.
    add_test(NAME tst_websocket_epoll COMMAND tst_websocket)
    set_tests_properties(tst_websocket_epoll PROPERTIES ENVIRONMENT HEARTH_TEST_EPOLL=1 TIMEOUT 60)
endif()
# wss:// on the Qt transport end to end, and every bad way into it (a garbage or stalled TLS
# handshake, plain and TLS clients on the wrong port, a client that does not read).
hearth_add_test(tst_tls SOURCES tst_tls.cpp TIMEOUT 120)
# Two people never look alike in a room: name_taken on the wire (and room_full's "spectators").
hearth_add_test(tst_names SOURCES tst_names.cpp TIMEOUT 60)
