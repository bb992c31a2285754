import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The room's chat: history paged in as you scroll up, new messages at the bottom, and the
// composer.
//
// Following the conversation: the view follows the newest message until the person moves it
// away (drag, flick, wheel, scroll bar, keys), and follows again once they bring it back to
// the bottom. Only the person's own moves decide; the view's own layout changes (delegates
// measured, history paged in above, the window resized) never do, so it cannot lose the
// bottom at any message rate. Scrolled up, new messages are counted in a "N new messages"
// bar that takes you down with one click (or End / Ctrl+End).
ColumnLayout {
    id: root

    required property RoomSession session
    property alias composer: composer
    // Messages that arrived below what you see since you scrolled up.
    readonly property int unseenCount: list.firstUnseenRow < 0 ? 0
                                       : Math.max(0, list.count - list.firstUnseenRow)

    // Back to the newest message, following from now on.
    function scrollToNewest() {
        list.follow();
    }

    spacing: Theme.spacing

    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: list.activeFocus ? Theme.accent : Theme.border
        border.width: list.activeFocus ? 2 : 1

        ListView {
            id: list
            objectName: "messagesList"
            // Follow new messages only while the person is looking at the newest ones.
            property bool followNewest: true
            // The first row added below the view while it did not follow (-1: none).
            property int firstUnseenRow: -1
            // Near enough to the bottom to count as there (a fraction of a line).
            readonly property real bottomSlack: Theme.unit * 0.5
            readonly property bool nearEnd: contentY + height >= originY + contentHeight - bottomSlack
            // The person is moving the view right now (drag, flick, wheel, scroll bar).
            readonly property bool userMoving: moving || scrollBar.pressed

            function follow() {
                // The person asked for the newest: that ends a flick still under way (its end
                // would otherwise decide against following).
                cancelFlick();
                followNewest = true;
                firstUnseenRow = -1;
                positionViewAtEnd();
            }
            function stickToEnd() {
                if (followNewest && !userMoving)
                    positionViewAtEnd();
            }
            // After a move by the person: at the bottom, follow again; otherwise stay.
            function settle() {
                if (nearEnd) {
                    follow();
                } else {
                    followNewest = false;
                    markSeen();
                }
            }
            // The unseen rows now on screen are seen.
            function markSeen() {
                if (firstUnseenRow < 0)
                    return;
                const lastVisible = indexAt(width / 2, contentY + height - 2);
                if (lastVisible >= firstUnseenRow)
                    firstUnseenRow = lastVisible + 1 < count ? lastVisible + 1 : -1;
            }
            // Keyboard scrolling by dy pixels (up when negative), within the content.
            function scrollBy(dy) {
                const top = originY;
                const bottom = Math.max(originY, originY + contentHeight - height);
                contentY = Math.max(top, Math.min(bottom, contentY + dy));
                settle();
            }

            anchors.fill: parent
            anchors.margins: 2
            clip: true
            model: root.session.messages
            reuseItems: true
            boundsBehavior: Flickable.StopAtBounds
            activeFocusOnTab: true
            keyNavigationEnabled: false
            currentIndex: -1
            Accessible.name: qsTr("Chat messages")
            Accessible.description: qsTr("Arrow keys and Page Up/Down scroll; End goes to the newest message")
            Accessible.role: Accessible.List

            delegate: MessageDelegate {
                onRetryRequested: id => root.session.retryChat(id)
                onDiscardRequested: id => root.session.discardChat(id)
            }

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

            onMovementStarted: followNewest = false
            onMovementEnded: settle()
            onContentYChanged: {
                if (userMoving)
                    markSeen();
                loadOlderIfNearTop();
            }
            onContentHeightChanged: if (followNewest)
                                        Qt.callLater(stickToEnd)
            onHeightChanged: if (followNewest)
                                 Qt.callLater(stickToEnd)
            onUserMovingChanged: if (!userMoving && followNewest)
                                     Qt.callLater(stickToEnd)

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
                    const added = last - first + 1;
                    if (first === 0 && list.count > added) {
                        // An older page above: what was unseen moved down with the rest.
                        if (list.firstUnseenRow >= 0)
                            list.firstUnseenRow += added;
                        if (list.anchorRow >= 0)
                            Qt.callLater(list.restoreAnchor, list.anchorRow + added);
                        list.anchorRow = -1;
                        return;
                    }
                    if (list.followNewest) {
                        Qt.callLater(list.stickToEnd);
                    } else if (list.firstUnseenRow < 0) {
                        list.firstUnseenRow = first;
                    }
                }
                function onRowsRemoved(parent, first, last) {
                    if (list.firstUnseenRow > first)
                        list.firstUnseenRow = Math.max(first, list.firstUnseenRow - (last - first + 1));
                    if (list.firstUnseenRow >= list.count)
                        list.firstUnseenRow = -1;
                }
            }

            Keys.onPressed: event => {
                const line = Theme.unit * 2;
                const page = Math.max(line, list.height - line);
                switch (event.key) {
                case Qt.Key_Up: list.scrollBy(-line); break;
                case Qt.Key_Down: list.scrollBy(line); break;
                case Qt.Key_PageUp: list.scrollBy(-page); break;
                case Qt.Key_PageDown: list.scrollBy(page); break;
                case Qt.Key_Home: list.scrollBy(-list.contentHeight); break;
                case Qt.Key_End: list.follow(); break;
                default: return;
                }
                event.accepted = true;
            }

            ScrollBar.vertical: ScrollBar {
                id: scrollBar
                onPressedChanged: pressed ? (list.followNewest = false) : list.settle()
            }
        }

        // Back to the newest messages after scrolling up: how many are new, one click away.
        Button {
            id: newestBar
            objectName: "newestBar"
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.bottom: parent.bottom
            anchors.bottomMargin: Theme.spacing
            visible: !list.followNewest
            focusPolicy: Qt.NoFocus // End / Ctrl+End do the same from the keyboard
            // Singular and plural spelled out: there are no translations (with English plural
            // forms) yet for %n to use.
            text: root.unseenCount === 1 ? qsTr("1 new message ↓")
                : root.unseenCount > 1 ? qsTr("%1 new messages ↓").arg(root.unseenCount)
                : qsTr("Newest messages ↓")
            Accessible.name: root.unseenCount === 1 ? qsTr("1 new message: jump to it")
                           : root.unseenCount > 1
                             ? qsTr("%1 new messages: jump to the newest").arg(root.unseenCount)
                             : qsTr("Jump to the newest message")
            palette.button: Theme.accent
            palette.buttonText: Theme.textOnAccent
            highlighted: root.unseenCount > 0
            onClicked: root.scrollToNewest()
        }
    }

    Composer {
        id: composer
        session: root.session
        Layout.fillWidth: true
        onSent: root.scrollToNewest()
        onNewestRequested: root.scrollToNewest()
    }

    Shortcut {
        sequence: "Ctrl+End"
        onActivated: root.scrollToNewest()
    }
}
