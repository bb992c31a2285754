import QtQuick
import Hearth

// One row of the chat. Kept light on purpose (a few Text items, no layouts, no bindings that
// look at other rows): the chat stays smooth with thousands of messages. User text is always
// plain text, never markup. Your own messages not stored yet say "sending…", or why they
// failed, with Retry and Discard.
Item {
    id: root

    signal retryRequested(string clientMsgId)
    signal discardRequested(string clientMsgId)

    required property string kind
    required property string text
    required property string authorName
    required property string timeText
    required property bool isOwn
    required property bool showHeader
    required property string delivery
    required property string failure
    required property string clientMsgId

    readonly property bool isChat: kind === "chat"
    readonly property bool sending: delivery === "sending"
    readonly property bool failed: delivery === "failed"
    readonly property real sidePadding: Theme.padding

    width: ListView.view ? ListView.view.width : 400
    height: isChat ? (deliveryLoader.active ? deliveryLoader.y + deliveryLoader.height : body.y + body.height)
                     + Theme.spacing * 0.5
                   : systemText.height + Theme.spacing * 1.5

    Accessible.role: Accessible.StaticText
    Accessible.name: !isChat ? text
                   : failed ? qsTr("%1 at %2: %3 (not sent: %4)").arg(authorName).arg(timeText).arg(text).arg(failure)
                   : sending ? qsTr("%1 at %2: %3 (sending)").arg(authorName).arg(timeText).arg(text)
                   : qsTr("%1 at %2: %3").arg(authorName).arg(timeText).arg(text)

    // System messages: centred, small, muted.
    Text {
        id: systemText
        visible: !root.isChat
        anchors.horizontalCenter: parent.horizontalCenter
        y: Theme.spacing * 0.75
        width: Math.min(implicitWidth, root.width - root.sidePadding * 2)
        text: root.isChat ? "" : root.text + "  " + root.timeText
        textFormat: Text.PlainText
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        color: Theme.system
        font.pixelSize: Theme.metrics.font.pixelSize * 0.85
        font.italic: true
    }

    // Chat: the author's name and the time on the first message of a group.
    Text {
        id: author
        visible: root.isChat && root.showHeader
        x: root.sidePadding
        y: Theme.spacing
        width: Math.min(implicitWidth, root.width - root.sidePadding * 2 - time.implicitWidth
                        - Theme.spacing)
        text: root.isChat ? root.authorName : ""
        textFormat: Text.PlainText
        elide: Text.ElideRight
        font.weight: Font.DemiBold
        color: root.isOwn ? Theme.accent : Theme.text
    }
    Text {
        id: time
        visible: author.visible
        anchors.left: author.right
        anchors.leftMargin: Theme.spacing
        anchors.baseline: author.baseline
        text: root.timeText
        textFormat: Text.PlainText
        color: Theme.textMuted
        font.pixelSize: Theme.metrics.font.pixelSize * 0.8
    }
    Text {
        id: body
        visible: root.isChat
        x: root.sidePadding
        y: author.visible ? author.y + author.height + 2 : 2
        width: root.width - root.sidePadding * 2
        text: root.isChat ? root.text : ""
        textFormat: Text.PlainText
        wrapMode: Text.Wrap
        color: Theme.text
        opacity: root.sending ? 0.6 : 1
    }

    // Only your pending messages carry this line, so stored rows stay as light as before.
    Loader {
        id: deliveryLoader
        active: root.isChat && (root.sending || root.failed)
        x: root.sidePadding
        y: body.y + body.height + 2
        width: root.width - root.sidePadding * 2
        sourceComponent: root.failed ? failedLine : sendingLine
    }
    Component {
        id: sendingLine
        Text {
            objectName: "sendingNote"
            text: qsTr("sending…")
            textFormat: Text.PlainText
            color: Theme.textMuted
            font.pixelSize: Theme.metrics.font.pixelSize * 0.8
            font.italic: true
        }
    }
    Component {
        id: failedLine
        Flow {
            spacing: Theme.spacing
            Text {
                objectName: "failedNote"
                width: Math.min(implicitWidth, parent.width)
                text: qsTr("Not sent: %1").arg(root.failure)
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: Theme.danger
                font.pixelSize: Theme.metrics.font.pixelSize * 0.85
            }
            LinkButton {
                objectName: "retryButton"
                text: qsTr("Retry")
                Accessible.name: qsTr("Send this message again")
                onClicked: root.retryRequested(root.clientMsgId)
            }
            LinkButton {
                objectName: "discardButton"
                text: qsTr("Discard")
                Accessible.name: qsTr("Remove this unsent message")
                onClicked: root.discardRequested(root.clientMsgId)
            }
        }
    }
}
