import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Inside a room: the code to share, who is here, the chat, your status, and (for the host) the
// host controls. A banner shows when the connection is down; an overlay when the room ended.
Item {
    id: root

    required property AppController app
    required property RoomSession session
    readonly property RoomObject room: session.room

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ConnectionBanner {
            app: root.app
            Layout.fillWidth: true
        }

        // Header: name, state, address; the code; leave or close.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: header.implicitHeight + Theme.padding * 2
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
            RowLayout {
                id: header
                anchors.fill: parent
                anchors.margins: Theme.padding
                anchors.leftMargin: Theme.padding * 1.5
                anchors.rightMargin: Theme.padding * 1.5
                spacing: Theme.padding * 1.5

                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true
                    Label {
                        objectName: "roomNameLabel"
                        text: root.room.name
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.pixelSize: Theme.metrics.font.pixelSize * 1.5
                        font.weight: Font.DemiBold
                        Layout.fillWidth: true
                        Accessible.role: Accessible.Heading
                    }
                    Label {
                        text: {
                            const state = root.room.state === "waiting" ? qsTr("Waiting to start")
                                        : root.room.state === "active" ? qsTr("Session running")
                                        : qsTr("Session finished");
                            const where = root.app.hosting
                                        ? qsTr("you host at %1").arg(root.app.serverAddress)
                                        : qsTr("hosted at %1").arg(root.app.serverAddress);
                            const extras = [];
                            if (root.room.locked)
                                extras.push(qsTr("locked"));
                            if (root.room.hasPassword)
                                extras.push(qsTr("password"));
                            return [state, where].concat(extras).join(" · ");
                        }
                        textFormat: Text.PlainText
                        color: Theme.textMuted
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }

                CodeDisplay {
                    code: root.room.code
                    inviteText: root.app.inviteText
                }

                Button {
                    objectName: "networkCheckButton"
                    visible: root.app.hosting
                    text: qsTr("Network check")
                    flat: true
                    onClicked: networkCheck.open()
                }

                Button {
                    objectName: "headerExportButton"
                    text: qsTr("Export transcript")
                    flat: true
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Save the chat as a Markdown file in %1").arg(root.session.exportDirectory)
                    onClicked: {
                        const path = root.session.exportTranscript();
                        if (path.length > 0) {
                            note.message = qsTr("Saved to %1").arg(path);
                            noteTimer.restart();
                        }
                    }
                }

                Button {
                    objectName: "leaveButton"
                    text: root.app.hosting ? qsTr("Close room…") : qsTr("Leave…")
                    onClicked: root.app.hosting ? closeDialog.open() : leaveDialog.open()
                }
            }
        }

        // Body: people | chat | host controls.
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.padding
            spacing: Theme.padding

            ColumnLayout {
                Layout.fillWidth: false
                Layout.preferredWidth: Math.round(Theme.unit * 14)
                Layout.fillHeight: true
                spacing: Theme.padding

                ParticipantsPanel {
                    session: root.session
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }

                Label {
                    text: qsTr("Your status")
                    color: Theme.textMuted
                    font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                    font.weight: Font.DemiBold
                    font.capitalization: Font.AllUppercase
                }
                StatusToggles {
                    session: root.session
                    Layout.fillWidth: true
                }
                Button {
                    objectName: "attentionSettingsButton"
                    text: qsTr("Notifications…")
                    flat: true
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Notification settings")
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("How Hearth calls you while its window is behind others (Ctrl+,)")
                    onClicked: attentionSettings.open()
                }
            }

            ChatPanel {
                id: chat
                session: root.session
                Layout.fillWidth: true
                Layout.preferredWidth: Math.round(Theme.unit * 30)
                Layout.fillHeight: true
            }

            HostPanel {
                visible: root.room.isHost
                session: root.session
                // A fixed column: extra width goes to the chat.
                Layout.fillWidth: false
                Layout.preferredWidth: Math.round(Theme.unit * 13)
                Layout.fillHeight: true
                onCloseRequested: closeDialog.open()
            }
        }
    }

    // A transient note when an action fails (rate limited, refused, ...).
    Rectangle {
        id: toast
        objectName: "toast"
        property string message
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.unit * 5
        width: Math.min(toastLabel.implicitWidth + Theme.padding * 2, parent.width - Theme.unit * 2)
        height: toastLabel.implicitHeight + Theme.spacing * 2
        radius: Theme.radius
        color: Theme.dangerSoft
        border.color: Theme.danger
        visible: toastTimer.running
        Label {
            id: toastLabel
            anchors.centerIn: parent
            width: parent.width - Theme.padding * 2
            text: toast.message
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            color: Theme.danger
            Accessible.role: Accessible.AlertMessage
        }
        Timer {
            id: toastTimer
            interval: 4000
        }
        Connections {
            target: root.session
            function onActionFailed(message) {
                toast.message = message;
                toastTimer.restart();
            }
        }
    }

    // A transient note that something worked (where the transcript went).
    Rectangle {
        id: note
        objectName: "note"
        property string message
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.unit * 5
        width: Math.min(noteLabel.implicitWidth + Theme.padding * 2, parent.width - Theme.unit * 2)
        height: noteLabel.implicitHeight + Theme.spacing * 2
        radius: Theme.radius
        color: Theme.surfaceAlt
        border.color: Theme.border
        visible: noteTimer.running && !toastTimer.running
        Label {
            id: noteLabel
            objectName: "noteText"
            anchors.centerIn: parent
            width: parent.width - Theme.padding * 2
            text: note.message
            textFormat: Text.PlainText
            wrapMode: Text.WrapAnywhere
            color: Theme.text
            Accessible.role: Accessible.AlertMessage
        }
        Timer {
            id: noteTimer
            interval: 6000
        }
    }

    // The room ended for you: closed by the host, expired, or you were removed. "Keep reading"
    // puts it away: the chat stays on screen (the banner above offers the export).
    Rectangle {
        id: endedOverlay
        objectName: "endedOverlay"
        property bool dismissed: false
        property string exportedTo
        anchors.fill: parent
        visible: root.room.ended && !dismissed
        color: Qt.rgba(Theme.window.r, Theme.window.g, Theme.window.b, 0.9)
        MouseArea {
            anchors.fill: parent // keeps clicks from the room below
        }
        Card {
            anchors.centerIn: parent
            width: Math.min(parent.width - Theme.unit * 2, Theme.unit * 24)
            ColumnLayout {
                anchors.left: parent.left
                anchors.right: parent.right
                spacing: Theme.padding
                SectionTitle {
                    text: root.room.endReason === "kicked" ? qsTr("You were removed from the room")
                        : root.room.endReason === "banned" ? qsTr("You were banned from the room")
                        : root.room.endReason === "expired" ? qsTr("The room expired")
                        : root.room.endReason === "timed_out" ? qsTr("You were away too long")
                        : qsTr("The host closed the room (or quit Hearth)")
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    text: qsTr("Nothing you wrote is lost: the chat stays here until you go back to the lobby, and “Export transcript” saves it to a file (with any message of yours the host did not get).")
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "exportedToLabel"
                    visible: endedOverlay.exportedTo.length > 0
                    text: qsTr("Saved to %1").arg(endedOverlay.exportedTo)
                    textFormat: Text.PlainText
                    wrapMode: Text.WrapAnywhere
                    Layout.fillWidth: true
                }
                RowLayout {
                    Layout.alignment: Qt.AlignRight
                    spacing: Theme.spacing
                    Button {
                        objectName: "exportTranscriptButton"
                        text: qsTr("Export transcript")
                        onClicked: endedOverlay.exportedTo = root.session.exportTranscript()
                    }
                    Button {
                        objectName: "keepReadingButton"
                        text: qsTr("Keep reading")
                        onClicked: endedOverlay.dismissed = true
                    }
                    PrimaryButton {
                        objectName: "backToLobbyButton"
                        text: qsTr("Back to the lobby")
                        onClicked: root.app.backToLobby()
                    }
                }
            }
        }
    }

    AttentionSettingsDialog {
        id: attentionSettings
        objectName: "roomAttentionSettingsDialog"
        attention: root.app.attention
    }

    NetworkCheckDialog {
        id: networkCheck
        app: root.app
    }

    ConfirmDialog {
        id: leaveDialog
        objectName: "leaveDialog"
        title: qsTr("Leave “%1”?").arg(root.room.name)
        message: qsTr("You can join again with the code %1 while the room is open.").arg(root.room.code)
        acceptText: qsTr("Leave")
        onAccepted: root.app.leaveRoom()
    }

    ConfirmDialog {
        id: closeDialog
        objectName: "closeDialog"
        title: qsTr("Close “%1”?").arg(root.room.name)
        message: qsTr("Everyone in the room is told it closed, and the code stops working.")
        acceptText: qsTr("Close room")
        destructive: true
        onAccepted: root.app.closeRoom()
    }

    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: root.app.inviteText.length > 0 && (Clipboard.text = root.room.code)
    }

    Component.onCompleted: chat.composer.focusInput()
}
