import QtQuick
import QtTest
import Hearth

// The host's panel with real models: a hosted room that needs approval, and a real protocol
// client asking to join. The host must see whom they let in: the whole name, wrapped.
TestCase {
    id: testCase
    name: "HostPanel"
    width: 1000
    height: 700
    visible: true
    when: windowShown

    property AppController host: null

    Component {
        id: panelComponent
        HostPanel {
            width: 240 // as narrow as the room view's side column gets
        }
    }

    function init() {
        host = fixture.newController("Ana");
        tryCompare(host, "phase", AppController.Lobby, 5000);
        host.hostRoom("Game night", 4, { "approval": true });
        tryCompare(host, "phase", AppController.Room, 10000);
    }

    function cleanup() {
        fixture.reset();
    }

    function test_waitingListShowsTheWholeName() {
        const panel = createTemporaryObject(panelComponent, testCase, { session: host.session });
        verify(panel);
        const waiting = findChild(panel, "waitingList");
        // 32 characters: the longest name there is.
        const longName = "Maximiliana Wolkenstein-Oberhofe";
        compare(longName.length, 32);
        fixture.addGuest(host, longName, false);
        tryCompare(waiting, "count", 1, 5000);
        waitForRendering(panel);
        const row = waiting.itemAtIndex(0);
        verify(row);
        const label = findChild(row, "waitingName");
        verify(label);
        compare(label.text, longName);
        verify(!label.truncated);
        // Too long for one line at this width: wrapped onto more lines, all of them shown.
        verify(label.lineCount > 1);
        verify(label.height >= label.contentHeight);
        verify(row.height >= label.height);
        // And the buttons still name the person in full.
        verify(waiting.height >= row.height);
    }
}
