import QtQuick
import QtQuick.Controls
import QtTest
import Hearth

// Attention with real windows: the host's window goes behind another window (activation
// moves there, as a click elsewhere would), guests chat, and the title counts what came in;
// a mention and a join request flash the window and ask for a notification and a sound;
// bringing the window back clears the count. The settings dialog turns each part off, and a
// restarted app remembers it.
TestCase {
    id: testCase
    name: "Attention"
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }

    // The window that takes activation away from Hearth's.
    Component {
        id: otherWindowComponent
        Window {
            width: 200
            height: 100
            visible: true
            title: "Another program"
        }
    }

    function cleanup() {
        fixture.reset();
    }

    function hostInWindow(options) {
        const app = fixture.newController("Ana");
        // No parent: a window of its own, not a transient of the test's window (whose
        // activation it would share).
        const win = mainComponent.createObject(null, { app: app });
        tryCompare(app, "phase", AppController.Lobby, 5000);
        app.hostRoom("Game night", 10, options);
        tryCompare(app, "phase", AppController.Room, 10000);
        win.requestActivate();
        tryVerify(() => win.active, 5000);
        return { app: app, win: win };
    }

    function sendBehind(win) {
        const other = createTemporaryObject(otherWindowComponent, null);
        other.requestActivate();
        tryVerify(() => other.active && !win.active, 5000);
        return other;
    }

    function test_titleCountsWhatCameInWhileBehind() {
        const r = hostInWindow({});
        const effects = findChild(r.win, "attentionEffects");
        verify(effects);
        fixture.addGuest(r.app, "Ben", false);
        tryVerify(() => fixture.guestJoined("Ben"), 5000);
        fixture.guestSay("Ben", "seen while in front");
        tryCompare(r.app.session.messages, "count", 3, 5000);
        compare(r.win.title, "Game night — Hearth");

        sendBehind(r.win);
        fixture.guestSay("Ben", "one");
        fixture.guestSay("Ben", "two");
        fixture.guestSay("Ben", "three");
        tryCompare(r.win, "title", "(3) Game night — Hearth", 5000);
        compare(r.app.attention.unread, 3);
        compare(effects.alerts, 0); // plain chat: counted, no alert

        // A mention: the window is flagged, a notification and a sound are asked for.
        fixture.guestSay("Ben", "Ana, your turn");
        tryCompare(r.win, "title", "(4) Game night — Hearth", 5000);
        tryCompare(effects, "alerts", 1, 5000);
        compare(effects.notifications, 1);
        compare(effects.sounds, 1);
        // The sound (resources/sounds/attention.wav) decodes and is ready to play.
        tryCompare(effects, "soundReady", true, 5000);
        // Your own message counts for nothing.
        r.app.session.sendChat("coming");
        tryCompare(r.app.session.messages, "count", 8, 5000);
        compare(r.win.title, "(4) Game night — Hearth");

        // Back in front: cleared.
        r.win.requestActivate();
        tryCompare(r.win, "title", "Game night — Hearth", 5000);
        compare(r.app.attention.unread, 0);
        r.win.destroy();
        wait(0);
    }

    function test_joinRequestFlagsTheWindow() {
        const r = hostInWindow({ "approval": true });
        const effects = findChild(r.win, "attentionEffects");
        sendBehind(r.win);
        fixture.addGuest(r.app, "Dan", false);
        tryCompare(effects, "alerts", 1, 5000);
        compare(effects.notifications, 1);
        compare(effects.sounds, 1);
        compare(r.app.attention.unread, 0); // a request is no chat message
        r.win.destroy();
        wait(0);
    }

    function test_settingsTurnEachPartOffAndAreRemembered() {
        const r = hostInWindow({});
        const effects = findChild(r.win, "attentionEffects");
        const dialog = findChild(r.win, "attentionSettingsDialog");
        verify(dialog);
        keySequence("Ctrl+,");
        tryVerify(() => dialog.opened, 5000);
        for (const name of ["titleCountBox", "alertBox", "notificationsBox", "soundBox", "trayBox"]) {
            const box = findChild(dialog.contentItem, name);
            verify(box, name);
            verify(box.checked, name);
            mouseClick(box);
            verify(!box.checked, name);
        }
        const a = r.app.attention;
        verify(!a.titleCountEnabled && !a.alertEnabled && !a.notificationsEnabled
               && !a.soundEnabled && !a.trayEnabled);
        keyClick(Qt.Key_Escape);
        tryVerify(() => !dialog.visible);

        // Off means off: behind, with a mention, nothing happens but the (hidden) count.
        fixture.addGuest(r.app, "Ben", false);
        tryVerify(() => fixture.guestJoined("Ben"), 5000);
        sendBehind(r.win);
        fixture.guestSay("Ben", "Ana?");
        tryCompare(a, "unread", 1, 5000);
        compare(r.win.title, "Game night — Hearth");
        wait(200);
        compare(effects.alerts + effects.notifications + effects.sounds, 0);

        // Started again, the app remembers.
        const again = fixture.restartedController(r.app).attention;
        verify(!again.titleCountEnabled && !again.alertEnabled && !again.notificationsEnabled
               && !again.soundEnabled && !again.trayEnabled);
        // And turning one back on is remembered too.
        a.soundEnabled = true;
        verify(fixture.restartedController(r.app).attention.soundEnabled);
        r.win.destroy();
        wait(0);
    }

    // The room view has a button for the same settings.
    function test_roomViewOpensTheSettings() {
        const r = hostInWindow({});
        const button = findChild(r.win.contentItem, "attentionSettingsButton");
        verify(button);
        mouseClick(button);
        const dialog = findChild(r.win, "roomAttentionSettingsDialog");
        verify(dialog);
        tryVerify(() => dialog.opened, 5000);
        verify(findChild(dialog.contentItem, "soundBox").checked);
        r.win.destroy();
        wait(0);
    }
}
