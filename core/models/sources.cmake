# The room as the views see it: a room object, list models and the session tying them to the
# room client. QtCore only (QAbstractListModel); QML registration happens in qml/.
target_sources(hearth_client PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/roomobject.h ${CMAKE_CURRENT_LIST_DIR}/roomobject.cpp
    ${CMAKE_CURRENT_LIST_DIR}/participantsmodel.h ${CMAKE_CURRENT_LIST_DIR}/participantsmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/messagesmodel.h ${CMAKE_CURRENT_LIST_DIR}/messagesmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/joinrequestsmodel.h ${CMAKE_CURRENT_LIST_DIR}/joinrequestsmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roomsession.h ${CMAKE_CURRENT_LIST_DIR}/roomsession.cpp
    ${CMAKE_CURRENT_LIST_DIR}/transcriptwriter.h ${CMAKE_CURRENT_LIST_DIR}/transcriptwriter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/transcriptexport.h ${CMAKE_CURRENT_LIST_DIR}/transcriptexport.cpp
    ${CMAKE_CURRENT_LIST_DIR}/attention.h ${CMAKE_CURRENT_LIST_DIR}/attention.cpp
)
