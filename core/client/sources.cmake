# The room client: one WebSocket connection (ws:// or wss://) to a room server, protocol v2.
target_sources(hearth_client PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/roomtypes.h ${CMAKE_CURRENT_LIST_DIR}/roomtypes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/reconnectpolicy.h ${CMAKE_CURRENT_LIST_DIR}/reconnectpolicy.cpp
    ${CMAKE_CURRENT_LIST_DIR}/requesttable.h ${CMAKE_CURRENT_LIST_DIR}/requesttable.cpp
    ${CMAKE_CURRENT_LIST_DIR}/eventsequencer.h ${CMAKE_CURRENT_LIST_DIR}/eventsequencer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/chatoutbox.h ${CMAKE_CURRENT_LIST_DIR}/chatoutbox.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roomclient.h ${CMAKE_CURRENT_LIST_DIR}/roomclient.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roomclientoperations.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roomclientresume.cpp ${CMAKE_CURRENT_LIST_DIR}/roomclientchat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roomclienttls.cpp
    ${CMAKE_CURRENT_LIST_DIR}/knownhosts.h ${CMAKE_CURRENT_LIST_DIR}/knownhosts.cpp
)
