import QtQuick
import QtQuick.Controls
import Hearth

// The window: the lobby, or the room view once you are in a room. Quitting while hosting asks
// first, then closes the room (joiners are told) before the app ends.
ApplicationWindow {
    id: root

    required property AppController app
    // Set once the person confirmed quitting; the next close goes through.
    property bool quitConfirmed: false
    // "auto", "light" or "dark" (--theme or HEARTH_THEME).
    property string themeMode: "auto"

    Binding {
        target: Theme
        property: "mode"
        value: root.themeMode
    }

    width: Math.round(Theme.unit * 62)
    height: Math.round(Theme.unit * 40)
    minimumWidth: Math.round(Theme.unit * 40)
    minimumHeight: Math.round(Theme.unit * 28)
    visible: true
    // "(3) Game night — Hearth" while messages came in behind other windows.
    title: app.attention.titlePrefix
           + (app.session ? qsTr("%1 — Hearth").arg(app.session.room.name) : qsTr("Hearth"))
    color: Theme.window

    palette {
        window: Theme.window
        windowText: Theme.text
        base: Theme.surface
        alternateBase: Theme.surfaceAlt
        text: Theme.text
        button: Theme.surfaceAlt
        buttonText: Theme.text
        highlight: Theme.accent
        highlightedText: Theme.textOnAccent
        placeholderText: Theme.textMuted
        toolTipBase: Theme.surface
        toolTipText: Theme.text
        light: Theme.surface
        midlight: Theme.surfaceAlt
        mid: Theme.border
        dark: Theme.border
        shadow: Theme.border
        link: Theme.accent
    }

    // Keyboard use: Enter presses the focused button; the focus is always visible.
    EnterActivatesButtons {
        window: root
    }
    FocusRing {
        window: root
    }

    // Calling for attention while behind other windows: the decisions are app.attention's, the
    // effects (alert, notification, sound) AttentionEffects', the tray AttentionTray's.
    Binding {
        target: root.app.attention
        property: "windowActive"
        value: root.active
    }
    AttentionEffects {
        id: attentionEffects
        objectName: "attentionEffects"
        attention: root.app.attention
        window: root
        onNotificationFallback: (summary, body) => {
            if (tray.item && tray.item.available)
                tray.item.showMessage(summary, body);
        }
    }
    Loader {
        id: tray
        active: root.app.attention.trayEnabled && attentionEffects.trayAvailable
        source: "AttentionTray.qml"
        onLoaded: {
            item.app = root.app;
            item.window = root;
            item.settingsRequested.connect(attentionSettings.open);
        }
    }
    AttentionSettingsDialog {
        id: attentionSettings
        attention: root.app.attention
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: attentionSettings.open()
    }

    Loader {
        id: page
        anchors.fill: parent
        sourceComponent: root.app.phase === AppController.Room && root.app.session
                         ? roomPage : lobbyPage
    }

    Component {
        id: lobbyPage
        LobbyView {
            app: root.app
        }
    }

    Component {
        id: roomPage
        RoomView {
            app: root.app
            session: root.app.session
        }
    }

    onClosing: close => {
        if (root.quitConfirmed)
            return;
        if (root.app.hosting && root.app.session) {
            close.accepted = false;
            quitDialog.open();
        } else if (root.app.session || root.app.phase === AppController.Connecting) {
            // Leave properly (joiners see "left", not a timeout), then quit.
            close.accepted = false;
            root.quitConfirmed = true;
            root.app.shutdown();
        }
    }

    ConfirmDialog {
        id: quitDialog
        objectName: "quitDialog"
        title: qsTr("Close the room and quit?")
        message: root.app.session
                 ? qsTr("You are hosting “%1”. Quitting closes the room for everyone in it.")
                   .arg(root.app.session.room.name)
                 : ""
        acceptText: qsTr("Close room and quit")
        destructive: true
        onAccepted: {
            root.quitConfirmed = true;
            root.app.shutdown();
        }
    }

    // While quitting, nothing else can be done.
    Popup {
        id: quittingPopup
        anchors.centerIn: parent
        modal: true
        closePolicy: Popup.NoAutoClose
        visible: root.quitConfirmed
        padding: Theme.padding * 2
        contentItem: Row {
            spacing: Theme.spacing
            BusyIndicator {
                running: quittingPopup.visible
                height: Theme.unit * 2
                width: height
            }
            Label {
                anchors.verticalCenter: parent.verticalCenter
                text: root.app.busyText
                textFormat: Text.PlainText
            }
        }
    }
}
