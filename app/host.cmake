# The desktop side of the `hearth` binary: host mode (the embedded server on a worker thread and
# the ordinary client over loopback), joining, the headless host, the identity in the keychain,
# and — when the GUI is built — the Qt Quick window with the `Hearth` QML module (qml/).
find_package(Qt6Keychain REQUIRED)
# Tests and benchmarks in other directories link it too. (Qt6Keychain::Qt6Keychain is an alias
# local to this directory; the imported target it names can be made global.)
set_target_properties(qt6keychain PROPERTIES IMPORTED_GLOBAL TRUE)

# Everything but the entry point and the server, so that tests link exactly what ships. The
# room server is reached through RoomHost only: this library, and the QML module above it, link
# the client and never the server.
add_library(hearth_desktop STATIC
    appcontroller.h appcontroller.cpp appcontrollerlobby.cpp appcontrollertrust.cpp
    roomhost.h
    localhosting.h localhosting.cpp
    lanrooms.h lanrooms.cpp
    quitsequence.h quitsequence.cpp
    desktopidentity.h desktopidentity.cpp
    desktopsettings.h desktopsettings.cpp
    lobbyinput.h lobbyinput.cpp
    networkaddresses.h networkaddresses.cpp
    roominvite.h roominvite.cpp
    connectionstatus.h connectionstatus.cpp
    secretstore.h secretstore.cpp
    identitystore.h identitystore.cpp
    hostcredentialstore.h hostcredentialstore.cpp
    settingspath.h settingspath.cpp
    headlessrunner.h headlessrunner.cpp
)
target_include_directories(hearth_desktop PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(hearth_desktop
    PUBLIC hearth_client hearth_security Qt6::Core Qt6::Network
    PRIVATE qt6keychain hearth_warnings)
# The QML module registers AppController and the models as foreign types: it needs their
# metatypes.
qt_extract_metatypes(hearth_desktop)

# Desktop notifications: the freedesktop protocol over D-Bus on Linux and the BSDs; elsewhere
# the notifier declines and the tray icon shows the message.
target_sources(hearth_desktop PRIVATE desktopnotifier.h)
if(UNIX AND NOT APPLE)
    find_package(Qt6 REQUIRED COMPONENTS DBus)
    target_sources(hearth_desktop PRIVATE desktopnotifier_dbus.cpp)
    target_link_libraries(hearth_desktop PRIVATE Qt6::DBus)
else()
    target_sources(hearth_desktop PRIVATE desktopnotifier_none.cpp)
endif()

# hearth_host: the room server of host mode (RoomServer on a worker thread, behind RoomHost).
# The only desktop library that links hearth_server; the binary and the tests that host rooms
# link it and hand an EmbeddedServer to AppController.
add_library(hearth_host STATIC embeddedserver.h embeddedserver.cpp)
target_link_libraries(hearth_host
    PUBLIC hearth_desktop
    PRIVATE hearth_server hearth_warnings)

target_sources(hearth PRIVATE hostcommand.h hostcommand.cpp)
target_compile_definitions(hearth PRIVATE HEARTH_HAVE_HOST)
target_link_libraries(hearth PRIVATE hearth_desktop hearth_host)

if(HEARTH_BUILD_GUI)
    add_subdirectory(${PROJECT_SOURCE_DIR}/qml ${PROJECT_BINARY_DIR}/qml)
    # Sounds and icons the window uses, compiled into the QML library.
    add_subdirectory(${PROJECT_SOURCE_DIR}/resources ${PROJECT_BINARY_DIR}/resources)
    target_sources(hearth PRIVATE
        desktopwindow.h desktopwindow.cpp
        screenshotdemo.h screenshotdemo.cpp
    )
    target_compile_definitions(hearth PRIVATE HEARTH_HAVE_GUI)
    target_link_libraries(hearth PRIVATE hearth_uiplugin Qt6::Gui Qt6::Quick
        Qt6::QuickControls2)
endif()

# The layering the libraries promise (docs/architecture.md): the views' libraries never link the
# server. Checked here, on their direct links, so that such a link fails the configure step.
foreach(_hearth_lib IN ITEMS hearth_client hearth_desktop hearth_ui hearth_uiplugin)
    if(TARGET ${_hearth_lib})
        get_target_property(_hearth_links ${_hearth_lib} LINK_LIBRARIES)
        get_target_property(_hearth_interface ${_hearth_lib} INTERFACE_LINK_LIBRARIES)
        if("${_hearth_links};${_hearth_interface}" MATCHES "(^|[;:])hearth_(server|host)([;>]|$)")
            message(FATAL_ERROR "${_hearth_lib} links the room server: only hearth_host and the "
                "hearth executable may (docs/architecture.md, \"The parts\")")
        endif()
    endif()
endforeach()
