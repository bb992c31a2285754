import QtQuick
import QtTest
import Hearth

// The window: the page follows the controller's phase, and closing it while hosting asks
// first, then closes the room for everyone before the app ends.
TestCase {
    id: testCase
    name: "Main"
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }

    function cleanup() {
        fixture.reset();
    }

    function test_pagesFollowThePhase() {
        const app = fixture.newController("Ana");
        const win = mainComponent.createObject(testCase, { app: app });
        verify(win);
        tryCompare(app, "phase", AppController.Lobby, 5000);
        tryVerify(() => findChild(win.contentItem, "hostButton") !== null);
        app.hostRoom("Game night", 10, {});
        tryCompare(app, "phase", AppController.Room, 10000);
        tryVerify(() => findChild(win.contentItem, "roomNameLabel") !== null);
        compare(findChild(win.contentItem, "roomNameLabel").text, "Game night");
        compare(win.title, "Game night — Hearth");
        win.close();
        win.destroy();
        wait(0);
    }

    function test_quittingWhileHostingAsksAndClosesTheRoom() {
        const app = fixture.newController("Ana");
        const win = mainComponent.createObject(testCase, { app: app });
        tryCompare(app, "phase", AppController.Lobby, 5000);
        app.hostRoom("Game night", 10, {});
        tryCompare(app, "phase", AppController.Room, 10000);
        fixture.addGuest(app, "Ben", false);
        tryVerify(() => fixture.guestJoined("Ben"), 5000);

        const finished = createTemporaryObject(spyComponent, testCase,
                                               { target: app, signalName: "shutdownFinished" });
        win.close();
        const dialog = findChild(win, "quitDialog");
        tryVerify(() => dialog.opened);
        verify(win.visible); // not closed yet: it asks first
        verify(app.hosting);
        // Cancel keeps everything as it was.
        keyClick(Qt.Key_Escape);
        tryVerify(() => !dialog.visible);
        verify(fixture.guestJoined("Ben"));
        // Confirm: the room closes (Ben is told), the server stops, the app may end.
        win.close();
        tryVerify(() => dialog.opened);
        keyClick(Qt.Key_Return);
        finished.wait(5000);
        compare(finished.count, 1);
        verify(!app.hosting);
        tryVerify(() => !fixture.guestJoined("Ben"), 5000);
        // In hearth, QCoreApplication::exit() follows; here the window goes first (the
        // controller outlives it, as in runHost()).
        win.destroy();
        wait(0);
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }
}
