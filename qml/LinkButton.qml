import QtQuick
import QtQuick.Controls
import Hearth

// A small text-only action inside a line of text ("Retry", "Discard"): reachable by Tab,
// activated by click, Enter or Space, with the focus ring every control has.
AbstractButton {
    id: root

    padding: 2
    focusPolicy: Qt.StrongFocus
    Accessible.role: Accessible.Button

    contentItem: Text {
        text: root.text
        textFormat: Text.PlainText
        font.pixelSize: Theme.metrics.font.pixelSize * 0.85
        font.underline: root.hovered || root.visualFocus
        font.weight: Font.DemiBold
        color: Theme.accent
    }
    background: Rectangle {
        color: "transparent"
        radius: Theme.radius
        border.color: Theme.accent
        border.width: root.visualFocus ? 2 : 0
    }
}
