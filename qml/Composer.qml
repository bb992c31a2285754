import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Where messages are typed. Enter sends, Shift+Enter starts a new line, Tab and Shift+Tab
// move on (a chat message has no use for a tab); a counter appears near the length limit.
// What you send shows in the chat at once as "sending…" (see MessagesModel).
RowLayout {
    id: root

    required property RoomSession session
    readonly property int length: session.chatLength(input.text)
    readonly property bool tooLong: length > session.maxChatLength
    // While reconnecting, messages wait in the client's outbox and go out once the room is back.
    readonly property bool canSend: session.canChat && input.text.trim().length > 0 && !tooLong
    property alias text: input.text

    // A message went out (the chat brings you to it).
    signal sent()
    // Ctrl+End in the field: the chat's newest message.
    signal newestRequested()

    function send() {
        if (!root.canSend)
            return;
        if (root.session.sendChat(input.text)) {
            input.clear();
            input.forceActiveFocus(); // also after Enter on the Send button: write on
            root.sent();
        }
    }

    function focusInput() {
        input.forceActiveFocus();
    }

    spacing: Theme.spacing

    ScrollView {
        id: scroller
        // The width comes from the row, never from the text (a long word would otherwise
        // widen the whole room view).
        Layout.fillWidth: true
        Layout.preferredWidth: 1
        Layout.preferredHeight: Math.min(input.implicitHeight, Theme.unit * 6)
        contentWidth: availableWidth
        TextArea {
            id: input
            objectName: "composerInput"
            placeholderText: root.session.connected ? qsTr("Message (Enter sends, Shift+Enter for a new line)")
                           : root.session.canChat ? qsTr("Reconnecting… messages are sent once the connection is back")
                           : qsTr("Not connected")
            textFormat: TextEdit.PlainText
            wrapMode: TextEdit.Wrap
            enabled: root.session.canChat
            color: Theme.text
            background: Rectangle {
                color: Theme.surface
                radius: Theme.radius
                border.color: input.activeFocus ? Theme.accent : Theme.border
                border.width: input.activeFocus ? 2 : 1
            }
            Accessible.name: qsTr("Message")
            function handleReturn(event) {
                if (event.modifiers & Qt.ShiftModifier) {
                    event.accepted = false; // TextArea inserts the line break
                    return;
                }
                root.send();
            }
            Keys.onReturnPressed: event => handleReturn(event)
            Keys.onEnterPressed: event => handleReturn(event)
            Keys.onTabPressed: input.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
            Keys.onBacktabPressed: input.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
            Keys.onPressed: event => {
                if (event.key === Qt.Key_End && (event.modifiers & Qt.ControlModifier))
                    root.newestRequested(); // and the cursor goes to the end, as usual
            }
        }
    }

    Label {
        objectName: "lengthCounter"
        visible: root.length > root.session.maxChatLength * 0.8
        text: qsTr("%1/%2").arg(root.length).arg(root.session.maxChatLength)
        color: root.tooLong ? Theme.danger : Theme.textMuted
        font.pixelSize: Theme.metrics.font.pixelSize * 0.85
        Accessible.name: qsTr("%1 of %2 characters").arg(root.length).arg(root.session.maxChatLength)
    }

    PrimaryButton {
        objectName: "sendButton"
        text: qsTr("Send")
        enabled: root.canSend
        onClicked: root.send()
    }
}
