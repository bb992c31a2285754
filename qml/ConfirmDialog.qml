import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// A question with two answers. Esc or "Cancel" rejects; Enter accepts.
Dialog {
    id: root

    property string message
    property string acceptText: qsTr("OK")
    property string rejectText: qsTr("Cancel")
    // The accepting action cannot be undone (close, kick, ban): shown in the danger colour.
    property bool destructive: false
    // Accepting is the risky answer (a security warning): the focus starts on the rejecting
    // button, so that Enter does not accept without a look.
    property bool rejectByDefault: false

    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: Math.min(Math.round(Theme.unit * 26), parent ? parent.width - Theme.unit * 2 : 400)
    padding: Theme.padding * 1.5

    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border
    }

    header: Label {
        text: root.title // may hold a room's or a person's name
        textFormat: Text.PlainText
        font.pixelSize: Theme.metrics.font.pixelSize * 1.2
        font.weight: Font.DemiBold
        color: Theme.text
        wrapMode: Text.Wrap
        padding: Theme.padding * 1.5
        bottomPadding: 0
    }

    contentItem: Label {
        text: root.message
        textFormat: Text.PlainText
        wrapMode: Text.Wrap
        color: Theme.text
    }

    footer: RowLayout {
        spacing: Theme.spacing
        Item {
            Layout.fillWidth: true
        }
        Button {
            id: rejectButton
            text: root.rejectText
            onClicked: root.reject()
            Keys.onReturnPressed: root.reject()
            Keys.onEnterPressed: root.reject()
            Layout.bottomMargin: Theme.padding * 1.5
        }
        PrimaryButton {
            id: acceptButton
            text: root.acceptText
            destructive: root.destructive
            onClicked: root.accept()
            Keys.onReturnPressed: root.accept()
            Keys.onEnterPressed: root.accept()
            Layout.rightMargin: Theme.padding * 1.5
            Layout.bottomMargin: Theme.padding * 1.5
        }
    }

    onOpened: (root.rejectByDefault ? rejectButton : acceptButton).forceActiveFocus()
}
