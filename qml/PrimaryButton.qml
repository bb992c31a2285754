import QtQuick
import QtQuick.Controls
import Hearth

// The main action of a form ("Host a room", "Join", "Send"): filled with the accent colour so
// it stands out in both palettes. `destructive` uses the danger colour instead.
Button {
    id: root

    property bool destructive: false
    readonly property color fill: destructive ? Theme.danger : Theme.accent

    highlighted: true
    padding: Theme.spacing
    leftPadding: Theme.padding * 1.5
    rightPadding: Theme.padding * 1.5

    contentItem: Text {
        text: root.text
        textFormat: Text.PlainText
        font: root.font
        color: root.enabled ? Theme.textOnAccent : Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }

    background: Rectangle {
        implicitWidth: Theme.unit * 4
        implicitHeight: Theme.unit * 1.6
        radius: Theme.radius
        color: !root.enabled ? Theme.surfaceAlt
             : root.down ? Qt.darker(root.fill, 1.2)
             : root.hovered ? Qt.lighter(root.fill, 1.1) : root.fill
        border.color: root.visualFocus ? Theme.text : "transparent"
        border.width: root.visualFocus ? 2 : 0
    }
}
