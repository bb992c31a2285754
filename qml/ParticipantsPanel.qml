import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Who is in the room: seated people first, spectators apart, with the "7/10" count and a
// warning when every seat is taken.
ColumnLayout {
    id: root

    required property RoomSession session

    // A host action waiting for confirmation.
    property string pendingAction
    property string pendingId
    property string pendingName

    spacing: Theme.spacing

    RowLayout {
        Layout.fillWidth: true
        SectionTitle {
            text: qsTr("People")
            Layout.fillWidth: true
        }
        Label {
            objectName: "seatCount"
            text: qsTr("%1/%2").arg(root.session.room.seats).arg(root.session.room.capacity)
            font.weight: Font.DemiBold
            color: root.session.room.full ? Theme.warning : Theme.textMuted
            Accessible.name: qsTr("%1 of %2 seats taken").arg(root.session.room.seats)
                             .arg(root.session.room.capacity)
        }
    }

    Rectangle {
        objectName: "fullWarning"
        visible: root.session.room.full
        color: Theme.warningSoft
        radius: Theme.radius
        Layout.fillWidth: true
        implicitHeight: fullLabel.implicitHeight + Theme.spacing * 2
        Label {
            id: fullLabel
            anchors.fill: parent
            anchors.margins: Theme.spacing
            text: root.session.room.spectatorsAllowed
                  ? qsTr("The room is full. Others can still watch as spectators.")
                  : qsTr("The room is full.")
            wrapMode: Text.Wrap
            color: Theme.text
            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
        }
    }

    ListView {
        id: list
        objectName: "participantsList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: 2
        model: root.session.participants
        keyNavigationEnabled: true
        activeFocusOnTab: true
        Accessible.name: qsTr("Participants")
        Accessible.description: root.session.room.isHost
                                ? qsTr("Up and Down choose a person; Enter or the Menu key opens their actions")
                                : qsTr("Up and Down go through the people in the room")
        Accessible.role: Accessible.List

        // The keyboard's row: a 2 px ring while the list has focus (Up/Down move it).
        highlightFollowsCurrentItem: true
        highlightMoveDuration: 0
        highlight: Rectangle {
            z: 2
            color: "transparent"
            radius: Theme.radius
            border.width: 2
            border.color: Theme.accent
            visible: list.activeFocus
        }
        onActiveFocusChanged: if (activeFocus && currentIndex < 0 && count > 0)
                                  currentIndex = 0
        // Enter and Space press the current row (it opens the menu); the Menu key too.
        Keys.onMenuPressed: if (list.currentItem)
                                list.currentItem.openMenu()

        section.property: "group"
        section.criteria: ViewSection.FullString
        section.delegate: Item {
            // "section" is the context property ListView gives section delegates.
            readonly property bool spectators: section === "spectators"
            width: ListView.view ? ListView.view.width : 0
            height: sectionLabel.implicitHeight + Theme.spacing * 1.5
            Label {
                id: sectionLabel
                anchors.bottom: parent.bottom
                anchors.bottomMargin: Theme.spacing * 0.5
                text: parent.spectators ? qsTr("Spectators") : qsTr("Seats")
                color: Theme.textMuted
                font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                font.weight: Font.DemiBold
                font.capitalization: Font.AllUppercase
            }
        }

        delegate: ParticipantDelegate {
            hostControls: root.session.room.isHost
            // `action` is the host action's wire name; only removals ask first.
            onActionRequested: (action, participantId, name) => {
                if (action !== "kick" && action !== "ban") {
                    root.session.act(action, participantId);
                    return;
                }
                root.pendingAction = action;
                root.pendingId = participantId;
                root.pendingName = name;
                confirm.open();
            }
        }

        ScrollBar.vertical: ScrollBar {}
    }

    ConfirmDialog {
        id: confirm
        destructive: true
        title: root.pendingAction === "ban" ? qsTr("Ban %1?").arg(root.pendingName)
                                            : qsTr("Remove %1?").arg(root.pendingName)
        message: root.pendingAction === "ban"
                 ? qsTr("%1 leaves the room and cannot join it again.").arg(root.pendingName)
                 : qsTr("%1 leaves the room but may join again with the code.")
                   .arg(root.pendingName)
        acceptText: root.pendingAction === "ban" ? qsTr("Ban") : qsTr("Remove")
        onAccepted: root.session.act(root.pendingAction, root.pendingId)
    }
}
