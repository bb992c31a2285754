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

            // Near the top: page in older history. The rows go in above what is shown, so
            // the view stays where it is.
            function loadOlderIfNearTop() {
                if (!followNewest && contentY - originY < height
                        && root.session.hasMoreHistory && !root.session.loadingHistory)
                    root.session.loadOlder();
            }

            // Whoever moves the view (flick, wheel, scroll bar, keys) decides whether it
            // follows: at the bottom it does.
            onContentYChanged: {
                followNewest = atYEnd;
                loadOlderIfNearTop();
            }
            onCountChanged: {
                if (followNewest)
                    Qt.callLater(list.positionViewAtEnd);
            }

            // When older history goes in above, keep the message the person is reading where
            // it is on screen (ListView would otherwise show the new page's top).
            property int anchorRow: -1
            property real anchorOffset: 0

            function restoreAnchor(row) {
                list.forceLayout();
                list.positionViewAtIndex(row, ListView.Beginning);
                const item = list.itemAtIndex(row);
                if (item)
                    list.contentY = item.y - list.anchorOffset;
            }
            Connections {
                target: root.session.messages
                function onRowsAboutToBeInserted(parent, first, last) {
                    list.anchorRow = -1;
                    if (first !== 0 || list.count === 0 || list.followNewest)
                        return;
                    // The first row on screen (below the header, when it shows).
                    let row = -1;
                    for (let y = 1; y < list.height && row < 0; y += 8)
                        row = list.indexAt(list.width / 2, list.contentY + y);
                    const item = list.itemAtIndex(row);
                    if (row < 0 || !item)
                        return;
                    list.anchorRow = row;
                    list.anchorOffset = item.y - list.contentY;
                }
                function onRowsInserted(parent, first, last) {
                    if (first !== 0 || list.anchorRow < 0)
                        return;
                    // After the ListView itself has taken in the new rows.
                    Qt.callLater(list.restoreAnchor, list.anchorRow + (last - first + 1));
                    list.anchorRow = -1;
                }
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
