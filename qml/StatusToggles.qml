import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Your own status, as everyone in the room sees it. Each toggle asks the server; the checked
// state follows the server's event, so what you see is what others see.
Flow {
    id: root

    required property RoomSession session

    spacing: Theme.spacing * 0.75

    component Toggle: Button {
        id: toggle
        required property string flag
        required property bool on
        checkable: true
        checked: on
        enabled: root.session.connected
        Accessible.checkable: true
        Accessible.checked: on
        onClicked: {
            // Keep showing the server's state until its event arrives.
            checked = Qt.binding(() => toggle.on);
            root.session.setStatusFlag(flag, !on);
        }
        contentItem: Text {
            text: toggle.text
            textFormat: Text.PlainText
            font: toggle.font
            color: toggle.on ? Theme.accent : Theme.text
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitWidth: Theme.unit * 4.2
            implicitHeight: Theme.unit * 1.5
            radius: height / 2
            color: toggle.on ? Theme.accentSoft : toggle.hovered ? Theme.surfaceAlt : Theme.surface
            border.color: toggle.visualFocus ? Theme.text : toggle.on ? Theme.accent : Theme.border
            border.width: toggle.visualFocus ? 2 : 1
        }
    }

    Toggle {
        objectName: "readyToggle"
        flag: "ready"
        on: root.session.ready
        text: qsTr("Ready")
        Accessible.name: qsTr("Ready")
    }
    Toggle {
        objectName: "awayToggle"
        flag: "away"
        on: root.session.away
        text: qsTr("Away")
    }
    Toggle {
        objectName: "micToggle"
        flag: "muted"
        on: root.session.muted
        text: root.session.muted ? qsTr("Mic off") : qsTr("Mic on")
        Accessible.name: qsTr("Mute microphone")
    }
    Toggle {
        objectName: "cameraToggle"
        flag: "camera"
        on: root.session.camera
        text: qsTr("Camera")
    }
    Toggle {
        objectName: "screenToggle"
        flag: "screen"
        on: root.session.screen
        text: qsTr("Screen")
        Accessible.name: qsTr("Share screen")
    }
}
