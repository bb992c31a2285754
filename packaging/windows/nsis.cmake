# The Windows installer (NSIS): Start menu and desktop shortcuts, the icon, an uninstaller, and
# hearth:// links registered to `hearth.exe "<link>"` (under HKLM or HKCU, whichever the
# installation is for: SHCTX). Build on Windows with `cpack -G NSIS` (see the README).
set(CPACK_NSIS_PACKAGE_NAME "Hearth")
set(CPACK_NSIS_DISPLAY_NAME "Hearth ${PROJECT_VERSION}")
set(CPACK_NSIS_URL_INFO_ABOUT ${PROJECT_HOMEPAGE_URL})
set(CPACK_NSIS_CONTACT ${HEARTH_MAINTAINER})
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\hearth.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
set(CPACK_CREATE_DESKTOP_LINKS hearth)
if(HEARTH_ICON_ICO)
    set(CPACK_NSIS_MUI_ICON ${HEARTH_ICON_ICO})
    set(CPACK_NSIS_MUI_UNIICON ${HEARTH_ICON_ICO})
endif()
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr SHCTX "Software\Classes\hearth" "" "URL:Hearth invite link"
  WriteRegStr SHCTX "Software\Classes\hearth" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\hearth\DefaultIcon" "" "$INSTDIR\bin\hearth.exe,0"
  WriteRegStr SHCTX "Software\Classes\hearth\shell\open\command" "" '"$INSTDIR\bin\hearth.exe" "%1"'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  DeleteRegKey SHCTX "Software\Classes\hearth"
]=])
