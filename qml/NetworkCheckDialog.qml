import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Host mode's "network check": the addresses and port others on the network use, whether the
// code alone finds this computer (LAN discovery), and what to look at when it does not.
Dialog {
    id: root

    required property AppController app
    // Refreshed each time the dialog opens: interfaces come and go.
    property var check: ({})

    objectName: "networkCheckDialog"
    title: qsTr("Network check")
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: Math.min(Math.round(Theme.unit * 30), parent ? parent.width - Theme.unit * 2 : 480)
    padding: Theme.padding * 1.5
    standardButtons: Dialog.Close
    onAboutToShow: root.check = root.app.networkCheck()

    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border
    }

    ColumnLayout {
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: Theme.spacing

        Label {
            objectName: "discoveryStatus"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            color: root.check.discoverable ? Theme.online : Theme.danger
            text: root.check.discoverable
                  ? qsTr("✓ People on this network find the room by its code alone (UDP port %1).")
                        .arg(root.check.discoveryPort)
                  : qsTr("The code alone will not find this computer: %1").arg(root.check.problem || "")
        }
        Label {
            text: qsTr("Others can also type one of these addresses, with the code:")
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.textMuted
        }
        Repeater {
            model: root.check.addresses || []
            delegate: Label {
                required property string modelData
                objectName: "networkAddress"
                text: modelData.indexOf(":") >= 0 ? "[" + modelData + "]:" + root.check.port
                                                  : modelData + ":" + root.check.port
                textFormat: Text.PlainText
                font.family: Theme.monoFamily
                Layout.fillWidth: true
            }
        }
        Label {
            text: qsTr("Invite links:")
            visible: (root.check.links || []).length > 0
            color: Theme.textMuted
        }
        Repeater {
            model: root.check.links || []
            delegate: Label {
                required property string modelData
                text: modelData
                textFormat: Text.PlainText
                font.family: Theme.monoFamily
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
            text: qsTr("If nobody can join: a firewall on this computer must let in TCP port %1 "
                       + "(the room) and UDP port %2 (finding rooms by code), and everyone must "
                       + "be on the same network (guest Wi-Fi often keeps devices apart).")
                      .arg(root.check.port).arg(root.check.discoveryPort)
        }
    }
}
