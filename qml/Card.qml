import QtQuick
import QtQuick.Controls
import Hearth

// A framed surface grouping related controls (the lobby's host and join forms, panels).
Pane {
    id: root

    padding: Theme.padding * 1.5
    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border
        border.width: 1
    }
}
