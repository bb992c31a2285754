import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Where messages are typed. Enter sends, Shift+Enter starts a new line; a counter appears
// near the length limit. A message the host refused comes back into the field.
RowLayout {
    id: root

    required property RoomSession session
    readonly property int length: session.chatLength(input.text)
    readonly property bool tooLong: length > session.maxChatLength
    // While reconnecting, messages wait in the client's outbox and go out once the room is back.
    readonly property bool canSend: session.canChat && input.text.trim().length > 0 && !tooLong
    property alias text: input.text

    function send() {
        if (!root.canSend)
            return;
        if (root.session.sendChat(input.text))
            input.clear();
    }

    function focusInput() {
        input.forceActiveFocus();
    }

    spacing: Theme.spacing

    Connections {
        target: root.session
        function onChatFailed(text, message) {
            if (input.text.length === 0)
                input.text = text;
        }
    }

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
