# Windows: Qt's DLLs, plugins (platform, SQL drivers, styles) and the QML modules the views
# import go next to hearth.exe, by windeployqt at install time (so `cpack -G NSIS` packs them),
# and QtKeychain's DLL, which windeployqt does not know about. Not built here: see the README.
if(TARGET Qt6::windeployqt)
    set(_hearth_windeployqt $<TARGET_FILE:Qt6::windeployqt>)
else()
    find_program(_hearth_windeployqt_path windeployqt HINTS "${QT6_INSTALL_PREFIX}/bin" REQUIRED)
    set(_hearth_windeployqt ${_hearth_windeployqt_path})
endif()
if(TARGET qt6keychain)
    install(IMPORTED_RUNTIME_ARTIFACTS qt6keychain RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(CODE "set(HEARTH_WINDEPLOYQT \"${_hearth_windeployqt}\")
set(HEARTH_QML_DIR \"${PROJECT_SOURCE_DIR}/qml\")
set(HEARTH_BINDIR \"${CMAKE_INSTALL_BINDIR}\")")
install(CODE [[
set(_bin "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${HEARTH_BINDIR}")
execute_process(
    COMMAND "${HEARTH_WINDEPLOYQT}" --qmldir "${HEARTH_QML_DIR}" --no-translations
            --no-compiler-runtime --dir "${_bin}" "${_bin}/hearth.exe"
    RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
    message(FATAL_ERROR "windeployqt failed (${_result})")
endif()
]])
