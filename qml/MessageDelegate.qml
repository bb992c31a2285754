import QtQuick
import Hearth

// One row of the chat. Kept light on purpose (a few Text items, no layouts, no bindings that
// look at other rows): the chat stays smooth with thousands of messages. User text is always
// plain text, never markup.
Item {
    id: root

    required property string kind
    required property string text
    required property string authorName
    required property string timeText
    required property bool isOwn
    required property bool showHeader

    readonly property bool isChat: kind === "chat"
    readonly property real sidePadding: Theme.padding

    width: ListView.view ? ListView.view.width : 400
    height: isChat ? body.y + body.height + Theme.spacing * 0.5
                   : systemText.height + Theme.spacing * 1.5

    Accessible.role: Accessible.StaticText
    Accessible.name: isChat ? qsTr("%1 at %2: %3").arg(authorName).arg(timeText).arg(text) : text

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
    }
}
