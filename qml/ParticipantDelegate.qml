import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One participant: online dot, name, host badge, "you" highlighted, status tags, and — for
// the host — a menu to make host, remove or ban.
ItemDelegate {
    id: root

    required property int index
    required property string participantId
    required property string name
    required property bool isHost
    required property bool isSpectator
    required property bool online
    required property bool isSelf
    required property bool ready
    required property bool away
    required property bool muted
    required property bool camera
    required property bool screen
    // Whether you host this room (then the menu offers host actions).
    property bool hostControls: false

    signal actionRequested(string action, string participantId, string name)

    width: ListView.view ? ListView.view.width : implicitWidth
    padding: Theme.spacing
    leftPadding: Theme.padding
    highlighted: isSelf
    Accessible.name: {
        const parts = [name];
        if (isSelf)
            parts.push(qsTr("you"));
        if (isHost)
            parts.push(qsTr("host"));
        if (isSpectator)
            parts.push(qsTr("spectator"));
        parts.push(online ? qsTr("online") : qsTr("offline"));
        if (ready)
            parts.push(qsTr("ready"));
        if (away)
            parts.push(qsTr("away"));
        return parts.join(", ");
    }

    background: Rectangle {
        color: root.isSelf ? Theme.selfRow : root.hovered ? Theme.surfaceAlt : "transparent"
        radius: Theme.radius
    }

    contentItem: RowLayout {
        spacing: Theme.spacing
        Rectangle {
            objectName: "onlineDot"
            implicitWidth: Math.round(Theme.unit * 0.55)
            implicitHeight: implicitWidth
            radius: width / 2
            color: root.online ? Theme.online : Theme.offline
            Layout.alignment: Qt.AlignVCenter
        }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            RowLayout {
                spacing: Theme.spacing * 0.75
                Label {
                    text: root.name
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.weight: root.isSelf ? Font.DemiBold : Font.Normal
                    color: root.online ? Theme.text : Theme.textMuted
                    Layout.fillWidth: true
                    Layout.maximumWidth: implicitWidth
                }
                Label {
                    visible: root.isSelf
                    text: qsTr("(you)")
                    color: Theme.textMuted
                }
                Label {
                    visible: root.isHost
                    text: qsTr("HOST")
                    font.pixelSize: Theme.metrics.font.pixelSize * 0.7
                    font.weight: Font.Bold
                    color: Theme.onAccent
                    leftPadding: 5
                    rightPadding: 5
                    topPadding: 1
                    bottomPadding: 1
                    background: Rectangle {
                        color: Theme.accent
                        radius: 3
                    }
                }
                Item {
                    Layout.fillWidth: true
                }
            }
            // Status flags as small words: readable, and no icon font needed.
            Label {
                readonly property var flags: [root.ready ? qsTr("ready") : "",
                    root.away ? qsTr("away") : "", root.muted ? qsTr("muted") : "",
                    root.camera ? qsTr("camera") : "", root.screen ? qsTr("sharing screen") : ""]
                                             .filter(f => f.length > 0)
                visible: flags.length > 0 || !root.online
                text: root.online ? flags.join(" · ") : qsTr("offline")
                color: root.ready && root.online ? Theme.online : Theme.textMuted
                font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        ToolButton {
            objectName: "participantMenuButton"
            visible: root.hostControls && !root.isSelf
            text: "⋯"
            Accessible.name: qsTr("Actions for %1").arg(root.name)
            onClicked: menu.popup(this, 0, height)
        }
    }

    Menu {
        id: menu
        MenuItem {
            text: qsTr("Make host")
            enabled: !root.isSpectator
            onTriggered: root.actionRequested("makeHost", root.participantId, root.name)
        }
        MenuItem {
            text: qsTr("Remove from the room…")
            onTriggered: root.actionRequested("kick", root.participantId, root.name)
        }
        MenuItem {
            text: qsTr("Ban…")
            onTriggered: root.actionRequested("ban", root.participantId, root.name)
        }
    }

    TapHandler {
        acceptedButtons: Qt.RightButton
        enabled: root.hostControls && !root.isSelf
        onTapped: menu.popup()
    }
}
