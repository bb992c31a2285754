import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// What only the host sees: the session's state, the waiting list of people asking to join,
// the room's settings and statistics, and closing the room.
ColumnLayout {
    id: root

    required property RoomSession session
    readonly property RoomObject room: session.room

    signal closeRequested()

    spacing: Theme.spacing

    SectionTitle {
        text: qsTr("Host controls")
    }

    // Session: waiting → active → finished.
    Label {
        objectName: "sessionStateLabel"
        text: root.room.state === "waiting" ? qsTr("The session has not started.")
            : root.room.state === "active" ? qsTr("The session is running.")
            : qsTr("The session is over.")
        color: Theme.textMuted
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    Button {
        objectName: "sessionButton"
        Layout.fillWidth: true
        visible: root.room.state !== "finished"
        enabled: root.session.connected
        highlighted: root.room.state === "waiting"
        text: root.room.state === "waiting" ? qsTr("Start the session") : qsTr("Finish the session")
        onClicked: root.room.state === "waiting" ? root.session.startSession()
                                                 : root.session.finishSession()
    }

    // The waiting list.
    SectionTitle {
        visible: root.room.approvalRequired || waiting.count > 0
        text: waiting.count > 0 ? qsTr("Asking to join (%1)").arg(waiting.count)
                                : qsTr("Asking to join")
        Layout.topMargin: Theme.spacing
    }
    Label {
        visible: root.room.approvalRequired && waiting.count === 0
        text: qsTr("Nobody is waiting.")
        color: Theme.textMuted
    }
    ListView {
        id: waiting
        objectName: "waitingList"
        Layout.fillWidth: true
        Layout.preferredHeight: contentHeight
        Layout.maximumHeight: Theme.unit * 10
        visible: count > 0
        clip: true
        interactive: contentHeight > height
        model: root.session.joinRequests
        spacing: Theme.spacing * 0.5
        delegate: RowLayout {
            id: request
            required property string participantId
            required property string name
            required property string role
            width: ListView.view.width
            spacing: Theme.spacing * 0.5
            // The whole name, wrapped, never elided: the host must see who they let in.
            Label {
                objectName: "waitingName"
                text: request.role === "spectator" ? qsTr("%1 (to watch)").arg(request.name)
                                                    : request.name
                textFormat: Text.PlainText
                wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                Layout.fillWidth: true
                Layout.minimumWidth: Theme.unit * 4
            }
            Button {
                text: qsTr("Admit")
                highlighted: true
                Accessible.name: qsTr("Admit %1").arg(request.name)
                onClicked: root.session.act("admit", request.participantId)
            }
            Button {
                text: qsTr("Deny")
                Accessible.name: qsTr("Deny %1").arg(request.name)
                onClicked: root.session.act("deny", request.participantId)
            }
        }
    }

    // Statistics.
    SectionTitle {
        text: qsTr("Statistics")
        Layout.topMargin: Theme.spacing
    }
    GridLayout {
        objectName: "statsGrid"
        columns: 2
        columnSpacing: Theme.spacing * 2
        rowSpacing: 2
        Layout.fillWidth: true
        Repeater {
            model: [
                { key: "messages", label: qsTr("Messages") },
                { key: "joins", label: qsTr("Joins") },
                { key: "peakSeats", label: qsTr("Most seats taken") },
                { key: "kicks", label: qsTr("Removed") },
                { key: "bans", label: qsTr("Banned") }
            ]
            delegate: RowLayout {
                id: statRow
                required property var modelData
                Layout.columnSpan: 2
                Layout.fillWidth: true
                Label {
                    text: statRow.modelData.label
                    color: Theme.textMuted
                    Layout.fillWidth: true
                }
                Label {
                    text: root.session.stats[statRow.modelData.key] !== undefined
                          ? Number(root.session.stats[statRow.modelData.key]).toLocaleString(Qt.locale(), "f", 0)
                          : "–"
                    font.weight: Font.DemiBold
                }
            }
        }
    }
    // The server does not push statistics: ask when the panel appears and shortly after the
    // chat moves (debounced), which is when they change.
    Timer {
        id: statsTimer
        interval: 700
        onTriggered: root.session.refreshStats()
    }
    Connections {
        target: root.session.messages
        function onCountChanged() {
            if (root.visible && !statsTimer.running)
                statsTimer.start();
        }
    }
    onVisibleChanged: if (visible)
                          root.session.refreshStats()
    Component.onCompleted: if (visible)
                               root.session.refreshStats()

    Item {
        Layout.fillHeight: true
    }

    Button {
        objectName: "settingsButton"
        text: qsTr("Room settings…")
        Layout.fillWidth: true
        enabled: root.session.connected
        onClicked: settingsDialog.open()
    }
    Button {
        objectName: "closeRoomButton"
        text: qsTr("Close the room…")
        Layout.fillWidth: true
        palette.buttonText: Theme.danger
        onClicked: root.closeRequested()
    }

    SettingsDialog {
        id: settingsDialog
        session: root.session
    }
}
