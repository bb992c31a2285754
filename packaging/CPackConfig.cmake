# Packaging: install rules for everything that ships (the binary, and on Linux the desktop
# integration: desktop entry with the hearth:// handler, icons, AppStream metainfo, man page,
# Debian copyright and changelog) and the CPack generators: DEB (built and tested in CI by
# packaging/test-deb.sh), NSIS (Windows), DragNDrop (macOS) and the source tarball.
# Included from the top CMakeLists.txt after every target exists.
include(GNUInstallDirs)

set(HEARTH_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(HEARTH_PACKAGING_BINARY_DIR ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${HEARTH_PACKAGING_BINARY_DIR})

# The desktop id (reverse DNS) names the desktop entry, the icons and the metainfo. It follows
# a placeholder domain (example.org), like HOMEPAGE_URL's: choose both before a public release, an
# id is hard to change once users have it.
set(HEARTH_APP_ID "org.example.Hearth")
# The program can name its desktop entry with it (QGuiApplication::setDesktopFileName, so that
# Wayland compositors match its windows to the entry and icon).
target_compile_definitions(hearth PRIVATE HEARTH_APP_ID="${HEARTH_APP_ID}")
if(TARGET hearth_desktop)
    target_compile_definitions(hearth_desktop PRIVATE HEARTH_APP_ID="${HEARTH_APP_ID}")
endif()
# The project has not chosen a licence yet: the packages say so instead of guessing one.
# Once chosen, set both (an SPDX id, e.g. GPL-3.0-or-later) and packaging/deb/copyright.
set(HEARTH_LICENSE_SPDX "LicenseRef-proprietary")
set(HEARTH_MAINTAINER "Hearth maintainers <maintainers@example.invalid>")
set(HEARTH_SUMMARY "Gather people in a room on your local network")

# Written by us, never by the umask of whoever builds the package.
set(HEARTH_DIR_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${HEARTH_DIR_PERMISSIONS})

include(${HEARTH_PACKAGING_DIR}/icons/icons.cmake)
if(APPLE)
    include(${HEARTH_PACKAGING_DIR}/macos/bundle.cmake)
    install(TARGETS hearth BUNDLE DESTINATION . RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
else()
    install(TARGETS hearth RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(UNIX AND NOT APPLE AND CMAKE_STRIP)
    # Stripping for a package (CPACK_STRIP_FILES, `cmake --install --strip`) also drops the
    # sections nothing reads, as Debian's dh_strip does.
    install(CODE "set(HEARTH_STRIP \"${CMAKE_STRIP}\")
set(HEARTH_INSTALLED_BINARY \"${CMAKE_INSTALL_BINDIR}/hearth\")")
    install(CODE [[
if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND "${HEARTH_STRIP}" --remove-section=.comment --remove-section=.note
                            "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${HEARTH_INSTALLED_BINARY}"
                    COMMAND_ERROR_IS_FATAL ANY)
endif()
]])
endif()
if(WIN32)
    include(${HEARTH_PACKAGING_DIR}/windows/deploy.cmake)
endif()
if(UNIX AND NOT APPLE)
    include(${HEARTH_PACKAGING_DIR}/linux/desktop.cmake)
endif()

# ---- CPack: what every generator shares ----
# Values reach the generators exactly as written here (no second round of escaping).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PACKAGE_NAME hearth)
set(CPACK_PACKAGE_VENDOR "Hearth")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY ${HEARTH_SUMMARY})
# Read here rather than named by CPACK_PACKAGE_DESCRIPTION_FILE, which CPack XML-escapes.
file(READ ${HEARTH_PACKAGING_DIR}/description.txt CPACK_PACKAGE_DESCRIPTION)
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_PACKAGE_CONTACT ${HEARTH_MAINTAINER})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Hearth")
set(CPACK_PACKAGE_EXECUTABLES hearth Hearth)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${HEARTH_DIR_PERMISSIONS})
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_OUTPUT_FILE_PREFIX packages)

if(WIN32)
    set(CPACK_GENERATOR NSIS)
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
else()
    set(CPACK_GENERATOR DEB)
endif()

# ---- Debian ----
set(CPACK_DEBIAN_PACKAGE_NAME hearth)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${HEARTH_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
# Libraries the binary links come from dpkg-shlibdeps; what Qt loads at run time does not show
# there: the QML modules qml/*.qml import (QtQuick, QtQuick.Controls with its Fusion style,
# QtQuick.Layouts, and what those import in turn; Qt.labs.platform for the tray icon), the
# SQLite driver of QtSql and the platform plugins (xcb in libqt6gui6; Wayland's in qt6-wayland,
# recommended). packaging/test-deb.sh checks that every file the installed program opens
# belongs to a package these pull in.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "qml6-module-qtqml, qml6-module-qtqml-models, qml6-module-qtqml-workerscript, \
qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, \
qml6-module-qtquick-templates, qml6-module-qtquick-window, libqt6sql6-sqlite, \
qml6-module-qt-labs-platform")
# Optional at run time: Wayland's platform plugin, libXcursor, which Qt's xcb plugin loads
# when present for themed cursors, and a colour emoji font, which fontconfig then picks for
# emoji in the chat (without it they show as empty boxes or in black and white).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland, libxcursor1, fonts-noto-color-emoji")
# The identity lives in a Secret Service keychain when there is one (a file otherwise).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnome-keyring")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- Windows (NSIS) and macOS (DragNDrop): packaging/windows, packaging/macos ----
if(WIN32)
    include(${HEARTH_PACKAGING_DIR}/windows/nsis.cmake)
elseif(APPLE)
    set(CPACK_DMG_VOLUME_NAME "Hearth ${PROJECT_VERSION}")
    set(CPACK_DMG_FORMAT UDBZ)
endif()

# ---- Source tarball: `cmake --build <dir> --target package_source` ----
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME hearth-${PROJECT_VERSION})
# Patterns are matched against absolute paths: anchor them at the source directory.
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _hearth_src "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_IGNORE_FILES
    "^${_hearth_src}/\\.git/" "^${_hearth_src}/\\.git$" "^${_hearth_src}/\\.cache/" "^${_hearth_src}/build[^/]*/"
    "^${_hearth_src}/out/" "\\.user$" "/CMakeLists\\.txt\\.user" "/compile_commands\\.json$"
    "~$" "\\.swp$")

include(CPack)
