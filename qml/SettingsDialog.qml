import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The host's room settings: name, seats, spectators, approval, locked, password. Only what was
// changed is sent; Esc or Cancel discards.
Dialog {
    id: root

    required property RoomSession session
    readonly property RoomObject room: session.room

    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    title: qsTr("Room settings")
    width: Math.min(Math.round(Theme.unit * 26), parent ? parent.width - Theme.unit * 2 : 400)
    padding: Theme.padding * 1.5
    objectName: "settingsDialog"
    standardButtons: Dialog.Save | Dialog.Cancel

    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius * 2
        border.color: Theme.border
    }

    onAboutToShow: {
        nameField.text = room.name;
        capacityBox.value = room.capacity;
        spectatorsBox.checked = room.spectatorsAllowed;
        approvalBox.checked = room.approvalRequired;
        lockedBox.checked = room.locked;
        passwordField.text = "";
        removePasswordBox.checked = false;
        nameField.forceActiveFocus();
    }

    onAccepted: {
        const changes = {};
        if (nameField.text.trim() !== room.name)
            changes.name = nameField.text;
        if (capacityBox.value !== room.capacity)
            changes.capacity = capacityBox.value;
        if (spectatorsBox.checked !== room.spectatorsAllowed)
            changes.spectators = spectatorsBox.checked;
        if (approvalBox.checked !== room.approvalRequired)
            changes.approval = approvalBox.checked;
        if (lockedBox.checked !== room.locked)
            changes.locked = lockedBox.checked;
        if (removePasswordBox.checked)
            changes.password = "";
        else if (passwordField.text.length > 0)
            changes.password = passwordField.text;
        if (Object.keys(changes).length > 0)
            session.updateSettings(changes);
    }

    contentItem: ColumnLayout {
        spacing: Theme.spacing
        Label {
            text: qsTr("Name")
        }
        TextField {
            id: nameField
            objectName: "settingsNameField"
            Layout.fillWidth: true
            maximumLength: 80
            Accessible.name: qsTr("Room name")
        }
        RowLayout {
            Label {
                text: qsTr("Seats")
            }
            SpinBox {
                id: capacityBox
                objectName: "settingsCapacityBox"
                from: Math.max(1, root.room.seats)
                to: root.session.capacityMax
                editable: true
                Accessible.name: qsTr("Seats in the room")
            }
        }
        CheckBox {
            id: spectatorsBox
            text: qsTr("Allow spectators")
        }
        CheckBox {
            id: approvalBox
            text: qsTr("Ask me before people join")
        }
        CheckBox {
            id: lockedBox
            objectName: "settingsLockedBox"
            text: qsTr("Locked: nobody new can join")
        }
        TextField {
            id: passwordField
            Layout.fillWidth: true
            enabled: !removePasswordBox.checked
            echoMode: TextInput.Password
            maximumLength: 64
            placeholderText: root.room.hasPassword ? qsTr("New password (leave empty to keep it)")
                                                   : qsTr("Password (optional)")
            Accessible.name: qsTr("Room password")
        }
        CheckBox {
            id: removePasswordBox
            visible: root.room.hasPassword
            text: qsTr("Remove the password")
        }
    }
}
