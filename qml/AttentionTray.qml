import QtQuick
import Qt.labs.platform as Platform
import Hearth

// The tray icon: the unread count in its tooltip (and a dot on the icon), and a menu to show
// the window, copy the room's code, leave the room or quit. Qt.labs.platform puts it in the
// desktop's tray (StatusNotifierItem on Linux, the notification area on Windows, the menu bar
// on macOS); where there is none, `available` is false and nothing is shown. Main.qml loads
// it only while the tray setting is on, and sets `app` and `window`.
Platform.SystemTrayIcon {
    id: root

    property AppController app
    property Window window
    readonly property int unread: app ? app.attention.unread : 0
    // Asks the window to open the notification settings.
    signal settingsRequested

    function showWindow() {
        if (!root.window)
            return;
        root.window.show();
        root.window.raise();
        root.window.requestActivate();
    }

    visible: available
    icon.source: unread > 0 ? "qrc:/hearth/icons/tray-unread.png" : "qrc:/hearth/icons/tray.png"
    tooltip: !app || !app.session ? qsTr("Hearth")
           : unread > 0 ? qsTr("Hearth — %n unread in %1", "", unread).arg(app.session.room.name)
           : qsTr("Hearth — %1").arg(app.session.room.name)

    onActivated: reason => {
        if (reason === Platform.SystemTrayIcon.Trigger
                || reason === Platform.SystemTrayIcon.DoubleClick)
            root.showWindow();
    }
    onMessageClicked: root.showWindow()

    menu: Platform.Menu {
        Platform.MenuItem {
            text: qsTr("Show Hearth")
            onTriggered: root.showWindow()
        }
        Platform.MenuItem {
            text: qsTr("Copy code")
            enabled: !!root.app && !!root.app.session
            onTriggered: Clipboard.text = root.app.session.room.code
        }
        Platform.MenuItem {
            text: qsTr("Notification settings…")
            onTriggered: {
                root.showWindow();
                root.settingsRequested();
            }
        }
        Platform.MenuSeparator {}
        Platform.MenuItem {
            // The host's way out is quitting (it asks first: it closes the room for everyone).
            text: qsTr("Leave the room")
            visible: !!root.app && !!root.app.session && !root.app.hosting
            onTriggered: root.app.leaveRoom()
        }
        Platform.MenuItem {
            text: qsTr("Quit Hearth")
            onTriggered: {
                root.showWindow();
                root.window.close(); // leaves properly, and asks first while hosting
            }
        }
    }
}
