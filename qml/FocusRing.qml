import QtQuick
import QtQuick.Controls
import Hearth

// The keyboard focus, clearly visible on every control: a 2 px ring in the theme's accent
// around whichever control has focus from the keyboard (Tab, Shift+Tab, a shortcut). Drawn
// once for the whole window, above popups too, so that no control can forget it; text fields
// and lists draw their own (a field shows its caret, a list its current row).
Rectangle {
    id: root

    // The window (an ApplicationWindow, or any QQuickWindow).
    property var window
    readonly property Item target: window ? window.activeFocusItem : null
    // Controls know whether their focus came from the keyboard (visualFocus); other items
    // never get the ring.
    readonly property bool shown: target !== null && target.visualFocus === true
                                  && target.visible && target.width > 0

    function place() {
        if (!shown)
            return;
        const p = target.mapToItem(null, 0, 0);
        x = p.x - border.width - 1;
        y = p.y - border.width - 1;
        width = target.width + (border.width + 1) * 2;
        height = target.height + (border.width + 1) * 2;
    }

    parent: window ? window.Overlay.overlay : null
    z: 1000000
    visible: shown
    color: "transparent"
    radius: Theme.radius
    border.width: 2
    border.color: Theme.accent
    onTargetChanged: place()
    onShownChanged: place()

    // Controls move (scrolling, layouts, animations): follow them frame by frame while shown.
    Connections {
        target: root.window ? root.window : null
        enabled: root.shown
        ignoreUnknownSignals: true
        function onAfterAnimating() {
            root.place();
        }
    }
}
