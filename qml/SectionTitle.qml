import QtQuick
import QtQuick.Controls
import Hearth

// A heading inside a card or panel.
Label {
    id: root

    font.pixelSize: Theme.metrics.font.pixelSize * 1.15
    font.weight: Font.DemiBold
    color: Theme.text
    elide: Text.ElideRight
    Accessible.role: Accessible.Heading
}
