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
    LIBS hearth_client LABELS desktop TIMEOUT 120)
# wss://, the expected fingerprint, pins and per-host identity secrets (real TLS on loopback).
hearth_add_test(tst_trust
    SOURCES desktop/tst_trust.cpp desktop/desktoptest.h
    LIBS hearth_client LABELS desktop TIMEOUT 120)
hearth_add_test(tst_models
    SOURCES desktop/tst_models.cpp desktop/desktoptest.h
    LIBS hearth_client LABELS desktop TIMEOUT 120)
# Calling for attention while the window is behind others (the decisions, without a window).
hearth_add_test(tst_attention
    SOURCES desktop/tst_attention.cpp desktop/desktoptest.h
    LIBS hearth_client LABELS desktop TIMEOUT 60)
# Desktop notifications reach a stand-in daemon on the (private) session bus.
if(UNIX AND NOT APPLE)
    # app/host.cmake found DBus in its own directory scope; the test needs the target here too.
    find_package(Qt6 REQUIRED COMPONENTS DBus)
    hearth_add_test(tst_desktopnotifier
        SOURCES desktop/tst_desktopnotifier.cpp
        LIBS hearth_desktop Qt6::DBus LABELS desktop TIMEOUT 60)
endif()
hearth_add_test(tst_identitystore
    SOURCES desktop/tst_identitystore.cpp desktop/desktoptest.h
    LIBS hearth_desktop hearth_security qt6keychain LABELS desktop TIMEOUT 120)
hearth_add_test(tst_appcontroller
    SOURCES desktop/tst_appcontroller.cpp desktop/desktoptest.h
    LIBS hearth_desktop hearth_host LABELS desktop TIMEOUT 180)
# Two real `hearth` processes (HEARTH_BINARY, from hearth_testsupport, is $<TARGET_FILE:hearth>).
hearth_add_test(tst_endtoend
    SOURCES desktop/tst_endtoend.cpp
    LIBS qt6keychain LABELS desktop TIMEOUT 120)


if(HEARTH_BUILD_GUI)
    # Tests with real X11 windows draw them with OpenGL, which is Mesa's llvmpipe on a machine
    # without a GPU. Mesa's driver leaks 240 bytes from a library it unloads before
    # LeakSanitizer looks, so the report names no module a suppression could match: under the
    # sanitizers, those windows are drawn by Qt Quick's own software renderer instead (the same
    # windows, events and views; only the rasteriser differs).
    if(HEARTH_SANITIZE)
        set(HEARTH_WINDOW_RENDERER "QT_QUICK_BACKEND=software")
    else()
        set(HEARTH_WINDOW_RENDERER "QT_QUICK_BACKEND=")
    endif()

    # The views, with Qt Quick Test (tests/qml/tst_*.qml) and the real QML module and models.
    find_package(Qt6 REQUIRED COMPONENTS QuickTest)
    hearth_add_test(tst_views
        SOURCES ${PROJECT_SOURCE_DIR}/tests/qml/main.cpp
            ${PROJECT_SOURCE_DIR}/tests/qml/viewfixture.h ${PROJECT_SOURCE_DIR}/tests/qml/viewfixture.cpp
        LIBS hearth_desktop hearth_host hearth_uiplugin Qt6::QuickTest Qt6::Quick Qt6::QuickControls2
        LABELS desktop TIMEOUT 180)
    target_compile_definitions(tst_views PRIVATE
        QUICK_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}/tests/qml")
    set_tests_properties(tst_views PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")

    # The transcript read back with Qt's own Markdown reader (QTextDocument, QtGui).
    hearth_add_test(tst_transcript
        SOURCES desktop/tst_transcript.cpp desktop/desktoptest.h
        LIBS hearth_client Qt6::Gui LABELS desktop TIMEOUT 180)
    set_tests_properties(tst_transcript PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")

    # The chat in real windows on a real display (xvfb-run in scripts/test.sh): two apps and
    # thirty scripted guests, at human pace, in a burst, scrolled up, and a late joiner.
    hearth_add_test(tst_chatwindows
        SOURCES desktop/tst_chatwindows.cpp
            ${PROJECT_SOURCE_DIR}/tests/qml/viewfixture.h ${PROJECT_SOURCE_DIR}/tests/qml/viewfixture.cpp
        LIBS hearth_desktop hearth_host hearth_uiplugin Qt6::Quick Qt6::QuickControls2
        LABELS desktop TIMEOUT 400)
    target_include_directories(tst_chatwindows PRIVATE ${PROJECT_SOURCE_DIR}/tests/qml)
    set_tests_properties(tst_chatwindows PROPERTIES ENVIRONMENT "${HEARTH_WINDOW_RENDERER}")

    # QWindow::alert as a window manager sees it: an X server of its own with openbox on it
    # (never on the display other tests share). Skips without openbox.
    find_program(HEARTH_XVFB_RUN xvfb-run)
    if(UNIX AND NOT APPLE AND HEARTH_XVFB_RUN)
        add_executable(tst_windowalert desktop/tst_windowalert.cpp)
        target_link_libraries(tst_windowalert PRIVATE hearth_ui Qt6::Gui Qt6::Qml Qt6::Test
            hearth_warnings)
        target_include_directories(tst_windowalert PRIVATE ${PROJECT_SOURCE_DIR}/qml)
        add_test(NAME tst_windowalert COMMAND ${HEARTH_XVFB_RUN} -a -s "-screen 0 1024x768x24"
            sh -c "openbox --sm-disable >/dev/null 2>&1 & exec \"$0\""
            $<TARGET_FILE:tst_windowalert>)
        # xvfb-run -a picks a free display without a lock of its own: one at a time.
        set_tests_properties(tst_windowalert PROPERTIES TIMEOUT 60 LABELS desktop
            ENVIRONMENT "QT_QPA_PLATFORM=xcb" RESOURCE_LOCK hearth_own_xserver)

        # The tray icon as a tray sees it (a stand-in StatusNotifierWatcher on the session bus).
        add_executable(tst_tray desktop/tst_tray.cpp desktop/desktoptest.h)
        target_link_libraries(tst_tray PRIVATE hearth_desktop hearth_host hearth_uiplugin Qt6::Quick
            Qt6::QuickControls2 Qt6::DBus Qt6::Test hearth_warnings)
        add_test(NAME tst_tray COMMAND ${HEARTH_XVFB_RUN} -a -s "-screen 0 1280x800x24"
            $<TARGET_FILE:tst_tray>)
        set_tests_properties(tst_tray PROPERTIES TIMEOUT 60 LABELS desktop
            ENVIRONMENT "QT_QPA_PLATFORM=xcb;HEARTH_DISCOVERY_TARGETS=127.255.255.255;HEARTH_DISCOVERY_PORT=47899"
            RESOURCE_LOCK hearth_own_xserver)
        # Its window leaks either way under LeakSanitizer, in code that is not Hearth's: with
        # OpenGL, Mesa's 240 bytes above; with the software renderer, six scene-graph textures
        # of Qt Quick's software backend (QSGTexture, QImageData), reachable only from each
        # other at exit. Memory errors are still checked; leaks are left to the other tests.
        if(HEARTH_SANITIZE)
            set_property(TEST tst_tray APPEND PROPERTY ENVIRONMENT
                "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
        endif()
    endif()
endif()
