import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Shown across the top of the room view whenever the connection to the host is down.
Rectangle {
    id: root

    required property AppController app

    visible: app.connectionLost
    color: Theme.warningSoft
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    Accessible.role: Accessible.AlertMessage
    Accessible.name: app.connectionText

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing
        Label {
            objectName: "connectionText"
            text: root.app.connectionText
            textFormat: Text.PlainText
            color: Theme.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Button {
            text: qsTr("Reconnect")
            visible: root.app.client.state === RoomClient.Disconnected && !root.app.hosting
            onClicked: root.app.reconnect()
        }
        Button {
            text: qsTr("Back to lobby")
            flat: true
            onClicked: root.app.backToLobby()
        }
    }
}
