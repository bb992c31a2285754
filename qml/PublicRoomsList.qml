import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The public rooms hosts announce on the local network, live: name, host, seats taken, and a
// button to join. Says so when there are none, and why when it cannot listen.
ColumnLayout {
    id: root

    required property PublicRoomsModel model
    // Whether the lobby can join now (name typed, not busy).
    property bool canJoin: true

    signal joinRequested(string address, string code)

    spacing: Theme.spacing

    RowLayout {
        Layout.fillWidth: true
        SectionTitle {
            text: qsTr("Public rooms on your network")
            Layout.fillWidth: true
        }
        ToolButton {
            objectName: "refreshPublicRooms"
            text: "⟳"
            Accessible.name: qsTr("Look for public rooms again")
            onClicked: root.model.refresh()
        }
    }

    Label {
        objectName: "publicRoomsEmpty"
        visible: rooms.count === 0
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.textMuted
        textFormat: Text.PlainText
        text: !root.model.active && root.model.problem.length > 0
              ? root.model.problem
              : qsTr("No public rooms right now. Rooms appear here when their host makes them public.")
    }

    ListView {
        id: rooms
        objectName: "publicRoomsList"
        Layout.fillWidth: true
        Layout.preferredHeight: contentHeight
        Layout.maximumHeight: Theme.unit * 14
        visible: count > 0
        clip: true
        interactive: contentHeight > height
        spacing: Theme.spacing * 0.5
        model: root.model
        delegate: RowLayout {
            id: entry
            required property string code
            required property string name
            required property string hostName
            required property int members
            required property int capacity
            required property bool locked
            required property bool hasPassword
            required property string address
            width: ListView.view.width
            spacing: Theme.spacing

            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                Label {
                    text: entry.name
                    textFormat: Text.PlainText
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    text: {
                        const parts = [qsTr("hosted by %1").arg(entry.hostName),
                                       qsTr("%1/%2").arg(entry.members).arg(entry.capacity)];
                        if (entry.locked)
                            parts.push(qsTr("locked"));
                        if (entry.hasPassword)
                            parts.push(qsTr("password"));
                        return parts.join(" · ");
                    }
                    textFormat: Text.PlainText
                    color: Theme.textMuted
                    font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
            Button {
                text: qsTr("Join")
                enabled: root.canJoin && !entry.locked && entry.members < entry.capacity
                Accessible.name: qsTr("Join %1").arg(entry.name)
                onClicked: root.joinRequested(entry.address, entry.code)
            }
        }
    }
}
