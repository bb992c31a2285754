# The Linux desktop integration and the Debian documents, installed under /usr/share:
#   applications/<id>.desktop     menu entry and the hearth:// URL handler (Exec=hearth %u)
#   metainfo/<id>.metainfo.xml    AppStream (software centres)
#   man/man1/hearth.1.gz          `hearth`, `hearth join`, `hearth serve` and every option
#   doc/hearth/copyright          machine-readable (DEP-5)
#   doc/hearth/changelog.Debian.gz
#   lintian/overrides/hearth      the lintian tags we accept, each with its reason
# The icons come from icons/icons.cmake. The release version and date come from the newest
# entry of deb/changelog, which must name PROJECT_VERSION: a version bump without a changelog
# entry fails here, not in lintian.
find_program(HEARTH_GZIP gzip REQUIRED)

file(STRINGS ${HEARTH_PACKAGING_DIR}/deb/changelog _hearth_changelog)
list(GET _hearth_changelog 0 _hearth_head)
if(NOT _hearth_head MATCHES "^hearth \\(([^)-]+)-([0-9]+)\\) ")
    message(FATAL_ERROR "packaging/deb/changelog: the first line is not a `hearth (VERSION-N)` entry")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
    message(FATAL_ERROR "packaging/deb/changelog: the newest entry is ${CMAKE_MATCH_1}, the project "
                        "is ${PROJECT_VERSION}: add an entry for it")
endif()
set(HEARTH_DEBIAN_RELEASE ${CMAKE_MATCH_2})
foreach(line IN LISTS _hearth_changelog)
    if(line MATCHES "^ -- .*>  [A-Z][a-z][a-z], ([0-9]+) ([A-Z][a-z][a-z]) ([0-9][0-9][0-9][0-9]) ")
        set(_day ${CMAKE_MATCH_1})
        set(_month_name ${CMAKE_MATCH_2})
        set(HEARTH_RELEASE_YEAR ${CMAKE_MATCH_3})
        break()
    endif()
endforeach()
if(NOT HEARTH_RELEASE_YEAR)
    message(FATAL_ERROR "packaging/deb/changelog: no ` -- Name <mail>  Day, DD Mon YYYY` trailer")
endif()
set(_months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
list(FIND _months ${_month_name} _month)
math(EXPR _month "${_month} + 1")
string(LENGTH ${_day} _len)
if(_len EQUAL 1)
    set(_day 0${_day})
endif()
if(_month LESS 10)
    set(_month 0${_month})
endif()
set(HEARTH_RELEASE_DATE ${HEARTH_RELEASE_YEAR}-${_month}-${_day})

configure_file(${HEARTH_PACKAGING_DIR}/linux/hearth.desktop.in
               ${HEARTH_PACKAGING_BINARY_DIR}/${HEARTH_APP_ID}.desktop @ONLY)
configure_file(${HEARTH_PACKAGING_DIR}/linux/hearth.metainfo.xml.in
               ${HEARTH_PACKAGING_BINARY_DIR}/${HEARTH_APP_ID}.metainfo.xml @ONLY)
configure_file(${HEARTH_PACKAGING_DIR}/man/hearth.1.in ${HEARTH_PACKAGING_BINARY_DIR}/hearth.1 @ONLY)

# gzip -9n: no name or time stamp in the header, so the package is reproducible (lintian).
set(_hearth_gzipped)
foreach(pair "${HEARTH_PACKAGING_BINARY_DIR}/hearth.1|hearth.1.gz"
             "${HEARTH_PACKAGING_DIR}/deb/changelog|changelog.Debian.gz")
    string(REPLACE "|" ";" pair ${pair})
    list(GET pair 0 in)
    list(GET pair 1 out)
    add_custom_command(OUTPUT ${HEARTH_PACKAGING_BINARY_DIR}/${out}
        COMMAND sh -c "\"$0\" -9n -c \"$1\" > \"$2\"" ${HEARTH_GZIP} ${in}
                ${HEARTH_PACKAGING_BINARY_DIR}/${out}
        DEPENDS ${in} VERBATIM)
    list(APPEND _hearth_gzipped ${HEARTH_PACKAGING_BINARY_DIR}/${out})
endforeach()
add_custom_target(hearth_docs ALL DEPENDS ${_hearth_gzipped})

install(FILES ${HEARTH_PACKAGING_BINARY_DIR}/${HEARTH_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${HEARTH_PACKAGING_BINARY_DIR}/${HEARTH_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${HEARTH_PACKAGING_BINARY_DIR}/hearth.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${HEARTH_PACKAGING_DIR}/deb/copyright
              ${HEARTH_PACKAGING_BINARY_DIR}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/hearth)
# Tags lintian may not raise, each with its reason (deb/lintian-overrides).
install(FILES ${HEARTH_PACKAGING_DIR}/deb/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME hearth)
