# macOS: `hearth` becomes Hearth.app, with an Info.plist that declares the hearth:// URL scheme
# (CFBundleURLTypes) and the icon; macdeployqt copies Qt's frameworks, plugins and the QML
# modules the views import into the bundle at install time, so that `cpack -G DragNDrop` packs a
# self-contained app. Not built here: see the README.
set_target_properties(hearth PROPERTIES
    MACOSX_BUNDLE TRUE
    OUTPUT_NAME Hearth
    MACOSX_BUNDLE_INFO_PLIST ${HEARTH_PACKAGING_DIR}/macos/Info.plist.in
    MACOSX_BUNDLE_BUNDLE_NAME Hearth
    MACOSX_BUNDLE_EXECUTABLE_NAME Hearth
    MACOSX_BUNDLE_GUI_IDENTIFIER ${HEARTH_APP_ID}
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_COPYRIGHT "© The Hearth authors"
    MACOSX_BUNDLE_ICON_FILE hearth.icns)
if(HEARTH_ICON_ICNS)
    target_sources(hearth PRIVATE ${HEARTH_ICON_ICNS})
    set_source_files_properties(${HEARTH_ICON_ICNS} TARGET_DIRECTORY hearth PROPERTIES
        MACOSX_PACKAGE_LOCATION Resources GENERATED TRUE)
    add_dependencies(hearth hearth_icons)
endif()

if(TARGET Qt6::macdeployqt)
    set(_hearth_macdeployqt $<TARGET_FILE:Qt6::macdeployqt>)
else()
    find_program(_hearth_macdeployqt_path macdeployqt HINTS "${QT6_INSTALL_PREFIX}/bin" REQUIRED)
    set(_hearth_macdeployqt ${_hearth_macdeployqt_path})
endif()
install(CODE "set(HEARTH_MACDEPLOYQT \"${_hearth_macdeployqt}\")
set(HEARTH_QML_DIR \"${PROJECT_SOURCE_DIR}/qml\")")
install(CODE [[
execute_process(
    COMMAND "${HEARTH_MACDEPLOYQT}" "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/Hearth.app"
            "-qmldir=${HEARTH_QML_DIR}"
    RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
    message(FATAL_ERROR "macdeployqt failed (${_result})")
endif()
]])
