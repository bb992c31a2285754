import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The room's code, large and in a monospace font so that nobody mixes up characters, with
// buttons to copy it or a whole invitation, and visible feedback when copied.
RowLayout {
    id: root

    required property string code
    required property string inviteText
    // What was copied last ("code" or "invite"), shown for a moment.
    property string copied: ""

    function copyCode() {
        Clipboard.text = root.code;
        root.copied = "code";
        feedbackTimer.restart();
    }

    function copyInvite() {
        Clipboard.text = root.inviteText;
        root.copied = "invite";
        feedbackTimer.restart();
    }

    spacing: Theme.spacing

    Rectangle {
        color: Theme.accentSoft
        radius: Theme.radius
        implicitWidth: codeLabel.implicitWidth + Theme.padding * 2
        implicitHeight: codeLabel.implicitHeight + Theme.spacing
        Label {
            id: codeLabel
            objectName: "codeLabel"
            anchors.centerIn: parent
            text: root.code
            textFormat: Text.PlainText
            font.family: Theme.monoFamily
            font.pixelSize: Theme.metrics.font.pixelSize * 2.2
            font.weight: Font.Bold
            font.letterSpacing: Theme.metrics.font.pixelSize * 0.25
            color: Theme.accent
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Room code %1").arg(root.code.split("").join(" "))
        }
        MouseArea {
            anchors.fill: parent
            cursorShape: Qt.PointingHandCursor
            onClicked: root.copyCode()
        }
    }

    RowLayout {
        spacing: 2
        Button {
            objectName: "copyCodeButton"
            text: root.copied === "code" ? qsTr("Copied ✓") : qsTr("Copy code")
            flat: true
            Accessible.name: qsTr("Copy the room code")
            onClicked: root.copyCode()
        }
        Button {
            objectName: "copyInviteButton"
            text: root.copied === "invite" ? qsTr("Copied ✓") : qsTr("Copy invite")
            flat: true
            Accessible.name: qsTr("Copy an invitation with the code and the address")
            // Not the invite itself: a tool tip would render the room's name as rich text.
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Copies the room's name, code and address")
            onClicked: root.copyInvite()
        }
    }

    Timer {
        id: feedbackTimer
        interval: 2000
        onTriggered: root.copied = ""
    }
}
