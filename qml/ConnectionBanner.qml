import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Shown across the top of the room view whenever the connection to the host is down
// ("Reconnecting… (attempt n)": the client reconnects by itself and resumes the room), and
// after the room ended for you (the host closed it or quit), with the transcript export.
Rectangle {
    id: root

    required property AppController app
    readonly property RoomSession session: app.session
    readonly property bool ended: session !== null && session.room.ended
    // Where the last export went (shown so the person can find the files).
    readonly property TranscriptExport exporter: session !== null ? session.transcriptExport : null
    readonly property string exportedTo: exporter !== null ? exporter.resultText : ""

    // Why the room ended, in plain words (the same as the room view's overlay).
    function endedTitle(reason) {
        return reason === "kicked" ? qsTr("You were removed from the room.")
             : reason === "banned" ? qsTr("You were banned from the room.")
             : reason === "expired" ? qsTr("The room expired.")
             : reason === "timed_out" ? qsTr("You were away too long and lost your seat.")
             : reason === "left" ? qsTr("You left the room.")
             : qsTr("The host closed the room (or quit Hearth); it is gone.");
    }

    visible: app.connectionLost || ended
    color: ended ? Theme.dangerSoft : Theme.warningSoft
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    Accessible.role: Accessible.AlertMessage
    Accessible.name: label.text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing
        BusyIndicator {
            running: root.app.connectionLost && root.app.client.state === RoomClient.Reconnecting
            visible: running
            Layout.preferredWidth: Theme.unit * 1.5
            Layout.preferredHeight: Theme.unit * 1.5
        }
        Label {
            id: label
            objectName: "connectionText"
            text: root.ended ? root.endedTitle(root.session.room.endReason)
                               + " " + qsTr("Your chat stays here; export it to keep a copy.")
                               + (root.exportedTo.length > 0 ? " " + root.exportedTo : "")
                             : root.app.connectionText
            textFormat: Text.PlainText
            color: Theme.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Button {
            objectName: "reconnectButton"
            text: root.app.client.state === RoomClient.Reconnecting ? qsTr("Try now") : qsTr("Reconnect")
            visible: !root.ended && !root.app.hosting
                     && (root.app.client.state === RoomClient.Disconnected
                         || root.app.client.state === RoomClient.Reconnecting)
            onClicked: root.app.reconnect()
        }
        Button {
            objectName: "bannerExportButton"
            text: root.exporter !== null && root.exporter.running ? root.exporter.progressText
                                                                  : qsTr("Export transcript")
            enabled: root.exporter !== null && !root.exporter.running
            visible: root.ended
            onClicked: root.session.exportTranscript()
        }
        Button {
            text: qsTr("Back to lobby")
            flat: true
            onClicked: root.app.backToLobby()
        }
    }
}
