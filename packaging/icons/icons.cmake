# The icon in every size the platforms want, rendered at build time from icons/hearth.svg (the
# only source: no binary image is kept in the repository). PNGs with rsvg-convert (librsvg2-bin
# on Debian, `brew install librsvg` on macOS, MSYS2's mingw-w64-librsvg on Windows); from those,
# hearth.ico with icotool (icoutils) for the Windows installer and hearth.icns with iconutil
# (Xcode) for the macOS bundle. A missing tool leaves that file out and says so, unless
# HEARTH_REQUIRE_PACKAGING_TOOLS is ON (packaging/test-deb.sh), where it is an error.
option(HEARTH_REQUIRE_PACKAGING_TOOLS "Fail when a tool the packages need is missing" OFF)

set(HEARTH_ICON_SVG ${HEARTH_PACKAGING_DIR}/icons/hearth.svg)
set(HEARTH_ICON_SIZES 16 22 24 32 48 64 128 256 512)
set(HEARTH_ICON_DIR ${HEARTH_PACKAGING_BINARY_DIR}/icons)

function(hearth_missing_tool tool purpose)
    if(HEARTH_REQUIRE_PACKAGING_TOOLS)
        message(FATAL_ERROR "${tool} not found: needed for ${purpose}")
    endif()
    message(STATUS "${tool} not found: the packages will have no ${purpose}")
endfunction()

find_program(HEARTH_RSVG_CONVERT rsvg-convert)
if(NOT HEARTH_RSVG_CONVERT)
    hearth_missing_tool(rsvg-convert "PNG icons")
    return()
endif()

set(hearth_icon_pngs)
foreach(size IN LISTS HEARTH_ICON_SIZES)
    set(png ${HEARTH_ICON_DIR}/${size}x${size}/${HEARTH_APP_ID}.png)
    add_custom_command(OUTPUT ${png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${HEARTH_ICON_DIR}/${size}x${size}
        COMMAND ${HEARTH_RSVG_CONVERT} --width ${size} --height ${size} --keep-aspect-ratio
                --output ${png} ${HEARTH_ICON_SVG}
        DEPENDS ${HEARTH_ICON_SVG}
        COMMENT "Rendering the ${size}x${size} icon"
        VERBATIM)
    list(APPEND hearth_icon_pngs ${png})
    if(UNIX AND NOT APPLE)
        install(FILES ${png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
    endif()
endforeach()
set(hearth_icon_outputs ${hearth_icon_pngs})

if(WIN32 OR APPLE)
    find_program(HEARTH_ICOTOOL icotool)
    if(HEARTH_ICOTOOL)
        # Windows shows 16…256; larger sizes are not allowed in an .ico.
        set(ico_sizes)
        foreach(size 16 24 32 48 64 128 256)
            list(APPEND ico_sizes ${HEARTH_ICON_DIR}/${size}x${size}/${HEARTH_APP_ID}.png)
        endforeach()
        set(HEARTH_ICON_ICO ${HEARTH_ICON_DIR}/hearth.ico)
        add_custom_command(OUTPUT ${HEARTH_ICON_ICO}
            COMMAND ${HEARTH_ICOTOOL} --create --output ${HEARTH_ICON_ICO} ${ico_sizes}
            DEPENDS ${ico_sizes} VERBATIM)
        list(APPEND hearth_icon_outputs ${HEARTH_ICON_ICO})
    elseif(WIN32)
        hearth_missing_tool(icotool "installer icon")
    endif()
endif()

if(APPLE)
    find_program(HEARTH_ICONUTIL iconutil)
    if(HEARTH_ICONUTIL)
        # iconutil wants an .iconset folder with these exact names.
        set(iconset ${HEARTH_ICON_DIR}/hearth.iconset)
        set(copies)
        foreach(pair 16:16x16 32:16x16@2x 32:32x32 64:32x32@2x 128:128x128 256:128x128@2x
                     256:256x256 512:256x256@2x 512:512x512)
            string(REPLACE ":" ";" pair ${pair})
            list(GET pair 0 size)
            list(GET pair 1 name)
            list(APPEND copies COMMAND ${CMAKE_COMMAND} -E copy
                 ${HEARTH_ICON_DIR}/${size}x${size}/${HEARTH_APP_ID}.png
                 ${iconset}/icon_${name}.png)
        endforeach()
        set(HEARTH_ICON_ICNS ${HEARTH_ICON_DIR}/hearth.icns)
        add_custom_command(OUTPUT ${HEARTH_ICON_ICNS}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${iconset}
            ${copies}
            COMMAND ${HEARTH_ICONUTIL} --convert icns --output ${HEARTH_ICON_ICNS} ${iconset}
            DEPENDS ${hearth_icon_pngs} VERBATIM)
        list(APPEND hearth_icon_outputs ${HEARTH_ICON_ICNS})
    else()
        hearth_missing_tool(iconutil "bundle icon")
    endif()
endif()

add_custom_target(hearth_icons ALL DEPENDS ${hearth_icon_outputs})

if(UNIX AND NOT APPLE)
    install(FILES ${HEARTH_ICON_SVG} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
            RENAME ${HEARTH_APP_ID}.svg)
endif()
