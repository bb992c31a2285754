# The desktop side: the room client and the models against a real in-process server, the
# identity in the real keychain, the app controller (host and join flows), the Qt Quick views
# (Qt Quick Test, tests/qml/) and an end-to-end test with two real `hearth` processes.
#
# The keychain tests need a Secret Service; without one they skip and say so. scripts/test.sh
# runs ctest inside `dbus-run-session` with an unlocked gnome-keyring:
#   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets \
#       >/dev/null; ctest --test-dir build/dev'
set(HEARTH_DESKTOP_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/desktop)

hearth_add_test(tst_roomclient
    SOURCES desktop/tst_roomclient.cpp desktop/desktoptest.h
    LIBS hearth_core LABELS desktop TIMEOUT 120)
hearth_add_test(tst_models
    SOURCES desktop/tst_models.cpp desktop/desktoptest.h
    LIBS hearth_core LABELS desktop TIMEOUT 120)
