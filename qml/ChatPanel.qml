import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The room's chat: history paged in as you scroll up, new messages at the bottom (the view
// follows them while you are at the bottom), and the composer.
ColumnLayout {
    id: root

    required property RoomSession session
    property alias composer: composer

    spacing: Theme.spacing

    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border

        ListView {
            id: list
            objectName: "messagesList"
            // Follow new messages only while the person is looking at the newest ones.
            property bool followNewest: true

            anchors.fill: parent
            anchors.margins: 1
            clip: true
            model: root.session.messages
            reuseItems: true
            boundsBehavior: Flickable.StopAtBounds
            activeFocusOnTab: true
            Accessible.name: qsTr("Chat messages")
            Accessible.role: Accessible.List

            delegate: MessageDelegate {}

            header: Item {
                width: list.width
                height: historyNote.implicitHeight + Theme.spacing * 2
                Label {
                    id: historyNote
                    anchors.centerIn: parent
                    color: Theme.textMuted
                    font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                    text: root.session.loadingHistory ? qsTr("Loading earlier messages…")
                        : root.session.hasMoreHistory ? qsTr("Scroll up for earlier messages")
                        : root.session.missingHistory > 0
                          ? qsTr("%1 earlier events are no longer kept.")
                            .arg(root.session.missingHistory)
                          : qsTr("This is the start of the room.")
                }
            }

            onMovementEnded: followNewest = atYEnd
            onCountChanged: {
                if (followNewest)
                    Qt.callLater(list.positionViewAtEnd);
            }
            // Near the top: page in older history. The rows go in above what is shown, so
            // the view stays where it is.
            onContentYChanged: {
                if (!followNewest && contentY - originY < height
                        && root.session.hasMoreHistory && !root.session.loadingHistory)
                    root.session.loadOlder();
            }
            onHeightChanged: if (followNewest)
                                 Qt.callLater(list.positionViewAtEnd)

            ScrollBar.vertical: ScrollBar {}
        }

        // Back to the newest messages after scrolling up.
        RoundButton {
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: Theme.padding
            visible: !list.followNewest && !list.atYEnd
            text: "↓"
            Accessible.name: qsTr("Jump to the newest message")
            onClicked: {
                list.followNewest = true;
                list.positionViewAtEnd();
            }
        }
    }

    Composer {
        id: composer
        session: root.session
        Layout.fillWidth: true
    }
}
