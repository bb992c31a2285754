# LAN discovery (finding a host by code, public rooms) and invite links. QtCore and QtNetwork.
target_sources(hearth_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/lanwire.h ${CMAKE_CURRENT_LIST_DIR}/lanwire.cpp
    ${CMAKE_CURRENT_LIST_DIR}/discoveryconfig.h ${CMAKE_CURRENT_LIST_DIR}/discoveryconfig.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lantransport.h ${CMAKE_CURRENT_LIST_DIR}/lantransport.cpp
    ${CMAKE_CURRENT_LIST_DIR}/codefinder.h ${CMAKE_CURRENT_LIST_DIR}/codefinder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/publicroomsmodel.h ${CMAKE_CURRENT_LIST_DIR}/publicroomsmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../invite/invitelink.h ${CMAKE_CURRENT_LIST_DIR}/../invite/invitelink.cpp
)
