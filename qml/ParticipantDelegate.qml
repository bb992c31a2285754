import QtQuick
import QtQuick.Controls
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

    // Anchors rather than layouts: a light delegate, and a name that elides only when the
    // row is really too narrow.
    contentItem: Item {
        implicitHeight: Math.max(nameLabel.implicitHeight + (flagsLabel.visible
                                 ? flagsLabel.implicitHeight : 0), menuButton.implicitHeight)

        Rectangle {
            id: dot
            objectName: "onlineDot"
            anchors.left: parent.left
            anchors.verticalCenter: parent.verticalCenter
            width: Math.round(Theme.unit * 0.55)
            height: width
            radius: width / 2
            color: root.online ? Theme.online : Theme.offline
        }

        Item {
            id: text
            anchors.left: dot.right
            anchors.leftMargin: Theme.spacing
            anchors.right: menuButton.visible ? menuButton.left : parent.right
            anchors.verticalCenter: parent.verticalCenter
            height: nameLabel.height + (flagsLabel.visible ? flagsLabel.height : 0)

            // Whole, wrapped if need be, never elided: two long names that begin alike must
            // not look alike (the server keeps names apart; the list must too).
            Label {
                id: nameLabel
                objectName: "participantName"
                width: Math.min(implicitWidth, text.width - (youLabel.visible ? youLabel.width
                                + Theme.spacing * 0.75 : 0) - (hostBadge.visible
                                ? hostBadge.width + Theme.spacing * 0.75 : 0))
                text: root.name
                textFormat: Text.PlainText
                wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                font.weight: root.isSelf ? Font.DemiBold : Font.Normal
                color: root.online ? Theme.text : Theme.textMuted
            }
            Label {
                id: youLabel
                visible: root.isSelf
                anchors.left: nameLabel.right
                anchors.leftMargin: Theme.spacing * 0.75
                anchors.baseline: nameLabel.baseline
                text: qsTr("(you)")
                color: Theme.textMuted
            }
            Label {
                id: hostBadge
                visible: root.isHost
                anchors.left: youLabel.visible ? youLabel.right : nameLabel.right
                anchors.leftMargin: Theme.spacing * 0.75
                anchors.verticalCenter: nameLabel.verticalCenter
                text: qsTr("HOST")
                font.pixelSize: Theme.metrics.font.pixelSize * 0.7
                font.weight: Font.Bold
                color: Theme.textOnAccent
                leftPadding: 5
                rightPadding: 5
                topPadding: 1
                bottomPadding: 1
                background: Rectangle {
                    color: Theme.accent
                    radius: 3
                }
            }
            // Status flags as small words: readable, and no icon font needed.
            Label {
                id: flagsLabel
                readonly property var flags: {
                    const words = [];
                    if (root.ready)
                        words.push(qsTr("ready"));
                    if (root.away)
                        words.push(qsTr("away"));
                    if (root.muted)
                        words.push(qsTr("muted"));
                    if (root.camera)
                        words.push(qsTr("camera"));
                    if (root.screen)
                        words.push(qsTr("sharing screen"));
                    return words;
                }
                anchors.top: nameLabel.bottom
                width: text.width
                visible: flags.length > 0 || !root.online
                text: root.online ? flags.join(" · ") : qsTr("offline")
                color: root.ready && root.online ? Theme.online : Theme.textMuted
                font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                elide: Text.ElideRight
            }
        }

        ToolButton {
            id: menuButton
            objectName: "participantMenuButton"
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            visible: root.hostControls && !root.isSelf
            text: "⋯"
            Accessible.name: qsTr("Actions for %1").arg(root.name)
            onClicked: menu.popup(this, 0, height)
        }
    }

    // From the keyboard (Enter or Space on the row, or the Menu key): the same menu as the
    // "⋯" button.
    onClicked: openMenu()
    function openMenu() {
        if (menuButton.visible)
            menu.popup(menuButton, 0, menuButton.height);
    }

    Menu {
        id: menu
        objectName: "participantMenu"
        MenuItem {
            objectName: "makeHostItem"
            text: qsTr("Make host")
            enabled: !root.isSpectator
            onTriggered: root.actionRequested("transfer_host", root.participantId, root.name)
        }
        MenuItem {
            objectName: "kickItem"
            text: qsTr("Remove from the room…")
            onTriggered: root.actionRequested("kick", root.participantId, root.name)
        }
        MenuItem {
            objectName: "banItem"
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
