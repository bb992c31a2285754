import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The first thing people see: their name, and either "Host a room" or "Join a room" with a
// code (the host is found on the network by the code; an address is needed only when that
// fails), and the public rooms hosts announce on the network. While connecting it shows what
// is happening and lets them cancel; when an attempt fails it says why in plain words.
Item {
    id: root

    required property AppController app
    readonly property bool busy: app.phase === AppController.Connecting
    readonly property bool ready: app.identityReady && !busy
    readonly property string nameProblem: app.checkDisplayName(nameField.text)
    // The last join was refused for its name: Enter in the name field tries again.
    property bool joinAfterName: false
    readonly property string roomNameProblem: app.checkRoomName(roomNameField.text)
    readonly property bool codeReady: codeField.check.complete
                                      || hostField.text.trim().startsWith("hearth://")
    // Why "Host a room" / "Join" cannot be pressed yet, in plain words (empty when they can).
    readonly property string hostMissing: !app.identityReady ? qsTr("Getting ready…")
        : nameProblem.length > 0 ? qsTr("Type your name first (at the top).")
        : roomNameProblem
    readonly property string joinMissing: !app.identityReady ? qsTr("Getting ready…")
        : nameProblem.length > 0 ? qsTr("Type your name first (at the top).")
        : !codeReady ? qsTr("Type the 6-character code.")
        : ""

    // Scrolls the lobby just enough for `item` to be seen (an error that just appeared).
    function reveal(item) {
        const flick = scroller.contentItem;
        if (!item || !item.visible || !flick || flick.contentY === undefined)
            return;
        const top = item.mapToItem(flick.contentItem, 0, 0).y - Theme.spacing;
        const bottom = top + item.height + Theme.spacing * 2;
        if (top < flick.contentY)
            flick.contentY = Math.max(0, top);
        else if (bottom > flick.contentY + flick.height)
            flick.contentY = Math.min(bottom - flick.height,
                                      Math.max(0, flick.contentHeight - flick.height));
    }

    // Errors go where the person looks: one about the name next to the name field (with the
    // focus), any other right under the name, above the Host and Join cards.
    function showError() {
        if (root.app.errorText.length === 0)
            return;
        if (root.app.nameError) {
            root.joinAfterName = root.app.errorCode === "name_taken";
            nameField.forceActiveFocus();
            nameField.selectAll();
            root.reveal(nameCard);
        } else {
            root.reveal(errorBox);
        }
    }

    // A link or `hearth join CODE` without a saved name: the code (and address) in their
    // fields, the focus on the name.
    function takePendingJoin() {
        if (root.app.pendingCode.length === 0)
            return;
        codeField.text = root.app.pendingCode;
        codeField.rejectedInput = false;
        hostField.text = root.app.pendingHost;
        nameField.forceActiveFocus();
        root.reveal(nameCard);
    }

    function hostRoom() {
        if (!hostButton.enabled)
            return;
        root.app.hostRoom(roomNameField.text, capacityBox.value, {
            "spectators": spectatorsBox.checked,
            "approval": approvalBox.checked,
            "isPublic": publicBox.checked,
            "password": hostPasswordField.text
        });
    }

    function joinRoom() {
        if (!joinButton.enabled)
            return;
        root.joinAfterName = false;
        root.app.joinRoom(hostField.text, codeField.text, spectatorBox.checked,
                          joinPasswordField.text);
    }

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        enabled: !root.busy

        ColumnLayout {
            width: Math.min(scroller.availableWidth - Theme.unit * 2, Theme.unit * 48)
            x: (scroller.availableWidth - width) / 2
            // Centred when it fits; scrolls from the top when it does not.
            y: Math.max(0, (scroller.availableHeight - implicitHeight) / 2)
            spacing: Theme.spacing * 2

            Item {
                Layout.preferredHeight: Theme.unit
            }

            Label {
                text: qsTr("Hearth")
                font.pixelSize: Theme.metrics.font.pixelSize * 2.4
                font.weight: Font.Bold
                color: Theme.accent
                Accessible.role: Accessible.Heading
            }
            Label {
                text: qsTr("Gather people in a room on your local network.")
                color: Theme.textMuted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Layout.topMargin: -Theme.spacing * 1.5
            }

            // Identity not safely stored (no keychain): say so, once, plainly.
            Rectangle {
                visible: root.app.identityWarning.length > 0
                color: Theme.warningSoft
                radius: Theme.radius
                Layout.fillWidth: true
                implicitHeight: warningLabel.implicitHeight + Theme.padding * 2
                Label {
                    id: warningLabel
                    anchors.fill: parent
                    anchors.margins: Theme.padding
                    text: root.app.identityWarning
                    textFormat: Text.PlainText
                    wrapMode: Text.Wrap
                    color: Theme.text
                }
            }

            Card {
                id: nameCard
                Layout.fillWidth: true
                ColumnLayout {
                    anchors.left: parent.left
                    anchors.right: parent.right
                    spacing: Theme.spacing
                    Label {
                        text: qsTr("Your name")
                        font.weight: Font.DemiBold
                    }
                    // A join from a link or the command line waits for the name.
                    Label {
                        id: namePrompt
                        objectName: "namePrompt"
                        visible: root.app.pendingCode.length > 0
                        text: qsTr("To join room %1, type the name others will see, then press Enter.")
                                  .arg(root.app.pendingCode)
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        color: Theme.accent
                        font.weight: Font.DemiBold
                        Layout.fillWidth: true
                    }
                    TextField {
                        id: nameField
                        objectName: "nameField"
                        Layout.fillWidth: true
                        text: root.app.displayName
                        placeholderText: qsTr("The name others see, e.g. Ana")
                        maximumLength: 64
                        onTextEdited: {
                            root.app.displayName = text;
                            if (root.app.nameError) // a new name: the old refusal is answered
                                root.app.errorText = "";
                        }
                        // With a join waiting for the name (a link, or a name the room had
                        // already), Enter joins.
                        onAccepted: if (root.app.pendingCode.length > 0 || root.joinAfterName)
                                        root.joinRoom()
                        Accessible.name: qsTr("Your name")
                        Accessible.description: root.app.nameError ? root.app.errorText
                                                : namePrompt.visible ? namePrompt.text
                                                : root.nameProblem
                    }
                    Label {
                        visible: nameField.text.length > 0 && root.nameProblem.length > 0
                                 && !root.app.nameError
                        text: root.nameProblem
                        color: Theme.danger
                        font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                    }
                    // The server's refusal of the name (taken in that room), or the name's
                    // problem when a join was attempted.
                    Label {
                        objectName: "nameErrorLabel"
                        visible: root.app.nameError && root.app.errorText.length > 0
                        text: root.app.errorText
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        color: Theme.danger
                        Layout.fillWidth: true
                        Accessible.role: Accessible.AlertMessage
                        Accessible.name: text
                    }
                }
            }

            // Why the last attempt failed (unless it was the name: that shows by the field).
            Rectangle {
                id: errorBox
                objectName: "errorBox"
                visible: root.app.errorText.length > 0 && !root.app.nameError
                color: Theme.dangerSoft
                radius: Theme.radius
                Layout.fillWidth: true
                implicitHeight: errorColumn.implicitHeight + Theme.padding * 2
                ColumnLayout {
                    id: errorColumn
                    anchors.fill: parent
                    anchors.margins: Theme.padding
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            objectName: "errorLabel"
                            text: root.app.errorText
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            color: Theme.danger
                            Layout.fillWidth: true
                            Accessible.role: Accessible.AlertMessage
                            Accessible.name: text
                        }
                        ToolButton {
                            text: "✕"
                            Accessible.name: qsTr("Dismiss the error")
                            onClicked: root.app.errorText = ""
                        }
                    }
                    // A full room that takes spectators.
                    Button {
                        objectName: "watchButton"
                        visible: root.app.canWatchInstead
                        text: qsTr("Watch as a spectator")
                        highlighted: true
                        Accessible.description: qsTr("Join the room without a seat: you see and read everything.")
                        onClicked: root.app.watchInstead()
                    }
                }
            }

            GridLayout {
                columns: scroller.availableWidth > Theme.unit * 36 ? 2 : 1
                columnSpacing: Theme.spacing * 2
                rowSpacing: Theme.spacing * 2
                Layout.fillWidth: true

                // Host a room.
                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    ColumnLayout {
                        anchors.left: parent.left
                        anchors.right: parent.right
                        spacing: Theme.spacing

                        SectionTitle {
                            text: qsTr("Host a room")
                        }
                        Label {
                            text: qsTr("Your friends join with the code it gets.")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        TextField {
                            id: roomNameField
                            objectName: "roomNameField"
                            Layout.fillWidth: true
                            text: root.app.lastRoomName
                            placeholderText: qsTr("Room name, e.g. Game night")
                            maximumLength: 80
                            Accessible.name: qsTr("Room name")
                            onAccepted: root.hostRoom()
                        }
                        RowLayout {
                            spacing: Theme.spacing
                            Label {
                                text: qsTr("Seats")
                            }
                            SpinBox {
                                id: capacityBox
                                objectName: "capacityBox"
                                from: 1
                                to: 50
                                value: root.app.lastCapacity
                                editable: true
                                Accessible.name: qsTr("Seats in the room")
                            }
                        }
                        CheckBox {
                            id: spectatorsBox
                            text: qsTr("Allow spectators")
                            checked: true
                        }
                        CheckBox {
                            id: approvalBox
                            objectName: "approvalBox"
                            text: qsTr("Ask me before people join")
                        }
                        CheckBox {
                            id: publicBox
                            objectName: "publicBox"
                            text: qsTr("List it for everyone on this network")
                            Accessible.description: qsTr("A public room is shown in the lobby of everyone on the local network; a private one only to those who know its code.")
                        }
                        TextField {
                            id: hostPasswordField
                            Layout.fillWidth: true
                            placeholderText: qsTr("Password (optional)")
                            echoMode: TextInput.Password
                            maximumLength: 64
                            Accessible.name: qsTr("Room password, optional")
                            onAccepted: root.hostRoom()
                        }
                        Item {
                            Layout.fillHeight: true
                        }
                        PrimaryButton {
                            id: hostButton
                            objectName: "hostButton"
                            text: qsTr("Host a room")
                            Layout.fillWidth: true
                            enabled: root.ready && root.hostMissing.length === 0
                            Accessible.description: root.hostMissing
                            onClicked: root.hostRoom()
                        }
                        Label {
                            objectName: "hostHint"
                            visible: !hostButton.enabled && !root.busy
                            text: root.hostMissing
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            color: Theme.textMuted
                            horizontalAlignment: Text.AlignHCenter
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                            Layout.fillWidth: true
                        }
                    }
                }

                // Join a room.
                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    ColumnLayout {
                        anchors.left: parent.left
                        anchors.right: parent.right
                        spacing: Theme.spacing

                        SectionTitle {
                            text: qsTr("Join a room")
                        }
                        Label {
                            text: qsTr("Type the code your host shows; Hearth finds the host on your network.")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        TextField {
                            id: codeField
                            objectName: "codeField"
                            // The last keystroke held a character no code can contain.
                            property bool rejectedInput: false
                            readonly property var check: root.app.checkCode(text)

                            Layout.fillWidth: true
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.metrics.font.pixelSize * 1.6
                            font.letterSpacing: Theme.metrics.font.pixelSize * 0.3
                            placeholderText: qsTr("XJ9K2M")
                            inputMethodHints: Qt.ImhUppercaseOnly | Qt.ImhNoPredictiveText
                            Accessible.name: qsTr("Room code")
                            Accessible.description: codeHint.text
                            // Normalize as one types: upper case, separators dropped.
                            onTextEdited: {
                                const c = root.app.checkCode(text);
                                rejectedInput = !c.valid;
                                if (c.code !== text) {
                                    text = c.code;
                                    cursorPosition = text.length;
                                }
                            }
                            onAccepted: root.joinRoom()
                        }
                        Label {
                            id: codeHint
                            objectName: "codeHint"
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                            text: codeField.rejectedInput
                                  ? qsTr("Codes have 6 letters and digits, without I, O, 0 and 1.")
                                  : codeField.check.complete ? qsTr("✓ A complete code")
                                  : codeField.text.length > 0
                                    ? (codeField.text.length === 5 ? qsTr("One more character")
                                       : qsTr("%1 more characters").arg(6 - codeField.text.length))
                                    : qsTr("6 letters and digits; spaces and dashes are fine.")
                            color: codeField.rejectedInput ? Theme.danger
                                   : codeField.check.complete ? Theme.online : Theme.textMuted
                        }
                        // Found by discovery when empty; needed when that fails (other subnet,
                        // firewall), or given by an invite link.
                        Label {
                            objectName: "firewallHint"
                            visible: root.app.discoveryFailed
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.text
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                            text: qsTr("Not found by its code: type the host's address (the host sees it under “Network check”). A firewall may be blocking Hearth.")
                        }
                        TextField {
                            id: hostField
                            objectName: "hostField"
                            Layout.fillWidth: true
                            placeholderText: root.app.lastHost.length > 0
                                             ? qsTr("Host address (optional), e.g. %1").arg(root.app.lastHost)
                                             : qsTr("Host address (optional), e.g. 192.168.1.5")
                            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhUrlCharactersOnly
                            Accessible.name: qsTr("Host address")
                            onAccepted: root.joinRoom()
                        }
                        CheckBox {
                            id: spectatorBox
                            text: qsTr("Join as a spectator")
                        }
                        TextField {
                            id: joinPasswordField
                            Layout.fillWidth: true
                            placeholderText: qsTr("Password, if the room has one")
                            echoMode: TextInput.Password
                            maximumLength: 64
                            Accessible.name: qsTr("Room password")
                            onAccepted: root.joinRoom()
                        }
                        Item {
                            Layout.fillHeight: true
                        }
                        PrimaryButton {
                            id: joinButton
                            objectName: "joinButton"
                            text: qsTr("Join")
                            Layout.fillWidth: true
                            enabled: root.ready && root.joinMissing.length === 0
                            Accessible.description: root.joinMissing
                            onClicked: root.joinRoom()
                        }
                        Label {
                            objectName: "joinHint"
                            visible: !joinButton.enabled && !root.busy
                            text: root.joinMissing
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            color: Theme.textMuted
                            horizontalAlignment: Text.AlignHCenter
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.9
                            Layout.fillWidth: true
                        }
                    }
                }
            }

            // Public rooms announced on the network.
            Card {
                Layout.fillWidth: true
                PublicRoomsList {
                    anchors.left: parent.left
                    anchors.right: parent.right
                    model: root.app.publicRooms
                    canJoin: root.ready && root.nameProblem.length === 0
                    onJoinRequested: (address, code) => root.app.joinRoom(address, code,
                                                                          spectatorBox.checked,
                                                                          joinPasswordField.text)
                }
            }

            Item {
                Layout.preferredHeight: Theme.unit
            }
        }
    }

    // Progress while starting the server, connecting, joining or waiting for approval.
    Rectangle {
        anchors.fill: parent
        visible: root.busy
        color: Qt.rgba(Theme.window.r, Theme.window.g, Theme.window.b, 0.85)

        Card {
            anchors.centerIn: parent
            width: Math.min(parent.width - Theme.unit * 2, Theme.unit * 24)
            ColumnLayout {
                anchors.left: parent.left
                anchors.right: parent.right
                spacing: Theme.spacing * 1.5
                BusyIndicator {
                    running: root.busy
                    Layout.alignment: Qt.AlignHCenter
                    Accessible.name: qsTr("Working")
                }
                Label {
                    objectName: "busyLabel"
                    text: root.app.busyText // may hold a typed host address
                    textFormat: Text.PlainText
                    wrapMode: Text.Wrap
                    horizontalAlignment: Text.AlignHCenter
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Cancel")
                    Layout.alignment: Qt.AlignHCenter
                    onClicked: root.app.cancel()
                }
            }
        }
    }

    // A pinned host now shows another certificate: the join stopped until the person decides.
    ConfirmDialog {
        id: certificateDialog
        objectName: "certificateDialog"
        title: qsTr("The host's certificate changed")
        message: root.app.certificateWarning
        acceptText: qsTr("Trust the new one")
        rejectText: qsTr("Cancel")
        destructive: true
        rejectByDefault: true
        onAccepted: root.app.trustNewCertificate()
        // Cancel, Esc or a click outside: the old pin stays, nothing is joined.
        onClosed: if (root.app.certificateWarning.length > 0)
                      root.app.dismissCertificateWarning()
    }

    Keys.onEscapePressed: if (root.busy)
                              root.app.cancel()
    Connections {
        target: root.app
        function onDiscoveryFailedChanged() {
            if (root.app.discoveryFailed)
                hostField.forceActiveFocus();
        }
        function onErrorTextChanged() {
            Qt.callLater(root.showError) // once the layout shows it
        }
        function onPendingJoinChanged() {
            root.takePendingJoin();
        }
        function onCertificateWarningChanged() {
            if (root.app.certificateWarning.length > 0)
                certificateDialog.open();
            else
                certificateDialog.close();
        }
    }

    Component.onCompleted: {
        (root.app.displayName.length === 0 ? nameField : codeField).forceActiveFocus();
        root.takePendingJoin();
        root.app.watchPublicRooms();
    }
}
