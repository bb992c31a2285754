# LAN discovery as a joiner uses it (finding a host by code, public rooms) and invite links.
# The datagrams (lanwire) are in hearth_protocol, the sockets (lantransport) in hearth_lan.
target_sources(hearth_client PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/codefinder.h ${CMAKE_CURRENT_LIST_DIR}/codefinder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/publicroomsmodel.h ${CMAKE_CURRENT_LIST_DIR}/publicroomsmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../invite/invitelink.h ${CMAKE_CURRENT_LIST_DIR}/../invite/invitelink.cpp
)
