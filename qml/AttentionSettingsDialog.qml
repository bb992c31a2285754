import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Your app settings for being called while Hearth is behind other windows: the unread count
// in the title, the alert, desktop notifications, the sound and the tray icon. Each box takes
// effect at once and is remembered (AppController keeps them in hearth.conf). Esc closes.
// (Not to be confused with SettingsDialog, the host's settings of a room.)
Dialog {
    id: root

    required property Attention attention

    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    objectName: "attentionSettingsDialog"
    title: qsTr("Notifications")
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: Math.min(Math.round(Theme.unit * 32), parent ? parent.width - Theme.unit * 2 : 480)
    padding: Theme.padding * 1.5
    standardButtons: Dialog.Close

    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border
    }

    onOpened: titleCountBox.forceActiveFocus()

    contentItem: ColumnLayout {
        spacing: Theme.spacing
        Label {
            text: qsTr("When Hearth is behind other windows and someone asks to join your room or mentions your name:")
            wrapMode: Text.Wrap
            color: Theme.textMuted
            Layout.fillWidth: true
        }
        CheckBox {
            id: titleCountBox
            objectName: "titleCountBox"
            text: qsTr("Count unread messages in the window title")
            checked: root.attention.titleCountEnabled
            onToggled: root.attention.titleCountEnabled = checked
        }
        CheckBox {
            objectName: "alertBox"
            text: qsTr("Flash the window in the taskbar")
            checked: root.attention.alertEnabled
            onToggled: root.attention.alertEnabled = checked
        }
        CheckBox {
            objectName: "notificationsBox"
            text: qsTr("Show a desktop notification")
            checked: root.attention.notificationsEnabled
            onToggled: root.attention.notificationsEnabled = checked
        }
        CheckBox {
            objectName: "soundBox"
            text: qsTr("Play a sound")
            checked: root.attention.soundEnabled
            onToggled: root.attention.soundEnabled = checked
        }
        CheckBox {
            objectName: "trayBox"
            text: qsTr("Show an icon in the system tray (where there is one)")
            checked: root.attention.trayEnabled
            onToggled: root.attention.trayEnabled = checked
        }
    }
}
