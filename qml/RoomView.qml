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

        // Header, two rows so that nothing people must share is ever cut off (800×600 and
        // up): the name, the state and the room's actions; then the code, the copy buttons
        // and the address others use.
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
            ColumnLayout {
                id: header
                anchors.fill: parent
                anchors.margins: Theme.padding
                anchors.leftMargin: Theme.padding * 1.5
                anchors.rightMargin: Theme.padding * 1.5
                spacing: Theme.spacing

                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.padding

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
                            objectName: "roomStateLabel"
                            text: {
                                const state = root.room.state === "waiting" ? qsTr("Waiting to start")
                                            : root.room.state === "active" ? qsTr("Session running")
                                            : qsTr("Session finished");
                                const extras = [];
                                if (root.room.locked)
                                    extras.push(qsTr("locked"));
                                if (root.room.hasPassword)
                                    extras.push(qsTr("password"));
                                return [state].concat(extras).join(" · ");
                            }
                            textFormat: Text.PlainText
                            color: Theme.textMuted
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                    }

                    Button {
                        objectName: "networkCheckButton"
                        visible: root.app.hosting
                        text: qsTr("Network check")
                        flat: true
                        onClicked: networkCheck.open()
                    }

                    Button {
                        id: headerExportButton
                        objectName: "headerExportButton"
                        // This button started the running export: its result goes in the note.
                        property bool asked: false
                        // While saving: "Saving transcript… 3,400 of 10,000".
                        text: root.session.transcriptExport.running ? root.session.transcriptExport.progressText
                                                                    : qsTr("Export transcript")
                        enabled: !root.session.transcriptExport.running
                        flat: true
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Save the whole chat as Markdown and JSON files in %1").arg(root.session.exportDirectory)
                        onClicked: {
                            asked = true;
                            root.session.exportTranscript();
                        }
                        Connections {
                            target: root.session.transcriptExport
                            function onFinished() {
                                if (!headerExportButton.asked)
                                    return;
                                headerExportButton.asked = false;
                                note.message = root.session.transcriptExport.resultText;
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

                // The second row flows onto a third in a very narrow window rather than cut.
                Flow {
                    objectName: "shareRow"
                    Layout.fillWidth: true
                    spacing: Theme.padding

                    CodeDisplay {
                        code: root.room.code
                        inviteText: root.app.inviteText
                    }

                    Column {
                        spacing: 2
                        Label {
                            text: root.app.hosting ? qsTr("Others join at") : qsTr("Hosted at")
                            color: Theme.textMuted
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                        }
                        TextEdit {
                            objectName: "addressLabel"
                            text: root.app.serverAddress
                            textFormat: TextEdit.PlainText
                            readOnly: true
                            selectByMouse: true
                            color: Theme.text
                            font.family: Theme.monoFamily
                            Accessible.role: Accessible.StaticText
                            Accessible.name: root.app.hosting ? qsTr("Others join at %1").arg(text)
                                                              : qsTr("Hosted at %1").arg(text)
                        }
                    }

                    // The four words of the certificate this connection was made with: the
                    // host's own, or the one a joiner actually reached. Compared aloud, they
                    // show that nobody is in between. Nothing to compare over plain ws://.
                    Column {
                        objectName: "certificateWordsColumn"
                        visible: root.app.certificateWords !== ""
                        spacing: 2
                        Label {
                            text: root.app.hosting ? qsTr("Words to compare")
                                                   : qsTr("Check with the host")
                            color: Theme.textMuted
                            font.pixelSize: Theme.metrics.font.pixelSize * 0.85
                        }
                        Label {
                            objectName: "certificateWordsLabel"
                            text: root.app.certificateWords
                            textFormat: Text.PlainText
                            color: Theme.text
                            font.weight: Font.DemiBold
                            Accessible.role: Accessible.StaticText
                            Accessible.name: root.app.hosting
                                ? qsTr("Words joiners should see: %1").arg(text)
                                : qsTr("Check with the host: %1").arg(text)
                            ToolTip.visible: wordsHover.hovered
                            ToolTip.text: root.app.hosting
                                ? qsTr("Everyone who joins sees these words. If a joiner sees others, someone is in between.")
                                : qsTr("The host sees four words too. If they are not these, someone is in between.")
                            HoverHandler { id: wordsHover }
                        }
                    }
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
        anchors.fill: parent
        visible: root.room.ended && !dismissed
        color: Qt.rgba(Theme.window.r, Theme.window.g, Theme.window.b, 0.9)
        MouseArea {
            anchors.fill: parent // keeps clicks from the room below
        }
        Card {
            anchors.centerIn: parent
            width: Math.min(parent.width - Theme.unit * 2, Theme.unit * 28)
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
                    visible: text.length > 0
                    text: root.session.transcriptExport.resultText
                    textFormat: Text.PlainText
                    wrapMode: Text.WrapAnywhere
                    Layout.fillWidth: true
                }
                // Right-aligned, and onto a second line rather than out of the card.
                Flow {
                    objectName: "endedButtons"
                    Layout.fillWidth: true
                    layoutDirection: Qt.RightToLeft
                    spacing: Theme.spacing
                    PrimaryButton {
                        objectName: "backToLobbyButton"
                        text: qsTr("Back to the lobby")
                        onClicked: root.app.backToLobby()
                    }
                    Button {
                        objectName: "keepReadingButton"
                        text: qsTr("Keep reading")
                        onClicked: endedOverlay.dismissed = true
                    }
                    Button {
                        objectName: "exportTranscriptButton"
                        text: root.session.transcriptExport.running ? root.session.transcriptExport.progressText
                                                                    : qsTr("Export transcript")
                        enabled: !root.session.transcriptExport.running
                        onClicked: root.session.exportTranscript()
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
