# Unit tests of the server's parts (frames, room rules, storage) and integration tests of bad
# input and of the real `hearth serve` process.
hearth_add_test(tst_frames SOURCES tst_frames.cpp TIMEOUT 60)
hearth_add_test(tst_roomrules SOURCES tst_roomrules.cpp TIMEOUT 60)
