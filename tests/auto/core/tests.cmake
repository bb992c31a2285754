# Unit tests of the protocol values shared by client and server (core/protocol).
hearth_add_test(tst_roomcode SOURCES tst_roomcode.cpp TIMEOUT 60)
hearth_add_test(tst_protocolvalues SOURCES tst_protocolvalues.cpp TIMEOUT 60)
# Invite links and the LAN discovery wire format (core/invite, core/discovery).
hearth_add_test(tst_invitelink SOURCES tst_invitelink.cpp TIMEOUT 60)
# The protocol codec: docs' examples round-trip, hand-written JSON, the strict request decoder.
hearth_add_test(tst_protocolcodec SOURCES tst_protocolcodec.cpp TIMEOUT 60)
# The host's certificate, fingerprint words and per-host secrets (core/security).
hearth_add_test(tst_security SOURCES tst_security.cpp LIBS hearth_security TIMEOUT 60)
