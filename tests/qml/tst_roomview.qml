import QtQuick
import QtTest
import Hearth

// The room view with real models: a hosted room (embedded server), guests that are real
// protocol clients, and the views checked as people use them.
TestCase {
    id: testCase
    name: "RoomView"
    width: 1180
    height: 760
    visible: true
    when: windowShown

    property AppController host: null
    property Item view: null

    // As Main.qml has them: Enter presses the focused button; the focus ring.
    EnterActivatesButtons {
        id: enterKeys
    }
    FocusRing {
        id: focusRing
        objectName: "focusRing"
    }

    Component {
        id: roomComponent
        RoomView {
            anchors.fill: parent
        }
    }

    function init() {
        enterKeys.window = testCase.Window.window;
        focusRing.window = testCase.Window.window;
        host = fixture.newController("Ana");
        tryCompare(host, "phase", AppController.Lobby, 5000);
        host.hostRoom("Game night", 3, {});
        tryCompare(host, "phase", AppController.Room, 10000);
    }

    function cleanup() {
        // The view goes before the controllers and sessions it shows (as in Main.qml).
        if (view) {
            view.destroy();
            view = null;
            wait(0);
        }
        fixture.reset();
    }

    function makeView(app) {
        view = roomComponent.createObject(testCase, { app: app, session: app.session });
        verify(view);
        waitForRendering(view);
        return view;
    }

    function join(name) {
        const app = fixture.newController(name);
        tryCompare(app, "phase", AppController.Lobby, 5000);
        app.joinRoom("127.0.0.1:" + host.serverPort, host.session.code, false, "");
        tryVerify(() => app.phase === AppController.Room || app.errorText.length > 0, 10000);
        compare(app.errorText, "");
        compare(app.phase, AppController.Room);
        return app;
    }

    function addGuest(name, spectator) {
        fixture.addGuest(host, name, spectator === true);
        tryVerify(() => fixture.guestJoined(name), 5000);
    }

    // With HEARTH_SCREENSHOT_DIR set, saves what `item` shows (docs/screenshots/).
    function screenshot(item, name) {
        const path = fixture.screenshotPath(name);
        if (path.length === 0)
            return;
        let saved = false;
        verify(item.grabToImage(result => { saved = result.saveToFile(path); }));
        tryVerify(() => saved, 5000);
    }

    function lastDelivery(session) {
        const list = session.messages;
        return list.data(list.index(list.count - 1, 0), MessagesModel.DeliveryRole);
    }

    function lastMessage(session) {
        const list = session.messages;
        return list.data(list.index(list.count - 1, 0), MessagesModel.TextRole);
    }

    function test_codeIsShownAndCopied() {
        const view = makeView(host);
        const code = host.session.code;
        compare(findChild(view, "codeLabel").text, code);
        const copy = findChild(view, "copyCodeButton");
        mouseClick(copy);
        compare(Clipboard.text, code);
        verify(copy.text.indexOf("Copied") >= 0); // visible feedback
        mouseClick(findChild(view, "copyInviteButton"));
        verify(Clipboard.text.indexOf(code) >= 0);
        verify(Clipboard.text.indexOf("Game night") >= 0);
        verify(Clipboard.text.indexOf(":" + host.serverPort + "/") >= 0);
    }

    function test_certificateWordsBesideTheCode() {
        // The host's own connection is wss:// to its own server: its view shows the words of
        // the certificate it serves, for joiners to compare.
        const hostView = makeView(host);
        verify(host.hostFingerprintWords.length > 0);
        verify(findChild(hostView, "certificateWordsColumn").visible);
        const hostWords = findChild(hostView, "certificateWordsLabel");
        compare(hostWords.text, host.hostFingerprintWords);
        compare(hostWords.text.split(" · ").length, 4);
        verify(hostWords.Accessible.name.indexOf("Words joiners should see") >= 0);
        hostView.destroy();
        view = null;
        wait(0);

        // A joiner that reached the host itself sees the same four words.
        const ben = join("Ben");
        const benView = makeView(ben);
        verify(findChild(benView, "certificateWordsColumn").visible);
        const benWords = findChild(benView, "certificateWordsLabel");
        compare(benWords.text, host.hostFingerprintWords);
        compare(benWords.textFormat, Text.PlainText);
        verify(benWords.Accessible.name.indexOf("Check with the host") >= 0);
        // The invite Ben copies carries the certificate too.
        verify(ben.inviteLink.indexOf("?fp=" + fixture.fingerprintHex(host)) > 0);
        screenshot(benView, "room-certificate-words.png");
        benView.destroy();
        view = null;
        wait(0);

        // A joiner that reached it through another certificate (someone in between) sees the
        // words of the certificate it actually connected to: not the host's.
        const address = fixture.tlsFront(host);
        verify(address.indexOf("wss://") === 0);
        const cleo = fixture.newController("Cleo");
        tryCompare(cleo, "phase", AppController.Lobby, 5000);
        cleo.joinRoom(address, host.session.code, false, "");
        tryCompare(cleo, "phase", AppController.Room, 10000);
        const cleoView = makeView(cleo);
        verify(findChild(cleoView, "certificateWordsColumn").visible);
        const cleoWords = findChild(cleoView, "certificateWordsLabel");
        compare(cleoWords.text, fixture.tlsFrontWords());
        verify(cleoWords.text !== host.hostFingerprintWords);
    }

    function test_participantsFollowTheRoom() {
        const view = makeView(host);
        const list = findChild(view, "participantsList");
        const count = findChild(view, "seatCount");
        compare(list.count, 1);
        compare(count.text, "1/3");
        verify(!findChild(view, "fullWarning").visible);
        addGuest("Ben");
        addGuest("Chloé");
        tryCompare(list, "count", 3);
        compare(count.text, "3/3");
        verify(findChild(view, "fullWarning").visible);
        addGuest("Emma", true); // spectators take no seat
        tryCompare(list, "count", 4);
        compare(count.text, "3/3");
        fixture.guestLeave("Chloé");
        tryCompare(list, "count", 3);
        tryCompare(count, "text", "2/3");
        verify(!findChild(view, "fullWarning").visible);
        // Ben's status, changed on his side, shows here live.
        fixture.guestSetStatus("Ben", "ready", true);
        const participants = host.session.participants;
        tryVerify(() => participants.data(participants.index(
                            participants.rowOf(fixture.guestId("Ben")), 0),
                            ParticipantsModel.ReadyRole) === true, 5000);
    }

    function test_chatIsPlainTextAndFollowsNewMessages() {
        const view = makeView(host);
        addGuest("Ben");
        const list = findChild(view, "messagesList");
        const before = list.count;
        fixture.guestSay("Ben", "<b>not bold</b> & <a href='x'>no link</a>");
        tryCompare(list, "count", before + 1, 5000);
        compare(lastMessage(host.session), "<b>not bold</b> & <a href='x'>no link</a>");
        // Every Text showing it renders plain text.
        waitForRendering(list);
        let found = false;
        for (let i = 0; i < list.contentItem.children.length; ++i) {
            const row = list.contentItem.children[i];
            if (row.text === "<b>not bold</b> & <a href='x'>no link</a>") {
                found = true;
                for (let j = 0; j < row.children.length; ++j) {
                    const child = row.children[j];
                    if (child.textFormat !== undefined && child.visible)
                        compare(child.textFormat, Text.PlainText);
                }
            }
        }
        verify(found);
    }

    function test_enterSendsAndShiftEnterBreaksTheLine() {
        const view = makeView(host);
        const input = findChild(view, "composerInput");
        mouseClick(input);
        tryVerify(() => input.activeFocus);
        keyClick("h");
        keyClick("i");
        keyClick(Qt.Key_Return, Qt.ShiftModifier);
        keyClick("y");
        compare(input.text, "hi\ny");
        const messages = host.session.messages;
        const before = messages.count;
        keyClick(Qt.Key_Return);
        compare(input.text, "");
        tryCompare(messages, "count", before + 1, 5000);
        compare(lastMessage(host.session), "hi\ny");
    }

    // Keyboard: Tab and Shift+Tab leave the message field (no tab typed); Enter presses the
    // focused button; the focus shows as a 2 px ring around it.
    function test_tabLeavesTheComposerAndEnterPressesButtons() {
        const view = makeView(host);
        const input = findChild(view, "composerInput");
        mouseClick(input);
        tryVerify(() => input.activeFocus);
        keyClick("o");
        keyClick("k");
        keyClick(Qt.Key_Tab);
        compare(input.text, "ok"); // no tab character typed
        verify(!input.activeFocus);
        const send = findChild(view, "sendButton");
        tryVerify(() => send.activeFocus, 2000, "Tab from the field reaches Send");
        // The ring: visible, 2 px, around the button.
        tryVerify(() => focusRing.visible);
        verify(focusRing.border.width >= 2);
        const p = send.mapToItem(null, 0, 0);
        verify(focusRing.x <= p.x && focusRing.y <= p.y, "ring at the button");
        verify(focusRing.x + focusRing.width >= p.x + send.width
               && focusRing.y + focusRing.height >= p.y + send.height, "ring around the button");
        // Enter presses it; the field has the focus again, for the next message.
        const before = host.session.messages.count;
        keyClick(Qt.Key_Return);
        tryCompare(host.session.messages, "count", before + 1, 5000);
        compare(lastMessage(host.session), "ok");
        tryVerify(() => input.activeFocus);
        verify(!focusRing.visible); // text fields show their own focus
        // Shift+Tab leaves it backwards, Tab comes back.
        keyClick(Qt.Key_Backtab);
        verify(!input.activeFocus);
        keyClick(Qt.Key_Tab);
        verify(input.activeFocus);
    }

    function test_participantsListByKeyboard() {
        addGuest("Ben");
        addGuest("Cleo");
        const view = makeView(host);
        const list = findChild(view, "participantsList");
        list.forceActiveFocus(Qt.TabFocusReason);
        tryCompare(list, "currentIndex", 0);
        verify(list.highlightItem && list.highlightItem.visible);
        verify(list.highlightItem.border.width >= 2);
        keyClick(Qt.Key_Down);
        compare(list.currentIndex, 1);
        keyClick(Qt.Key_Down);
        compare(list.currentIndex, 2);
        keyClick(Qt.Key_Up);
        compare(list.currentIndex, 1);
        // Enter opens the person's actions (the host's menu), as the "⋯" button does.
        const menu = findChild(list.currentItem, "participantMenu");
        keyClick(Qt.Key_Return);
        tryVerify(() => menu.opened);
        wait(100);
        verify(menu.visible, "the key's release did not pick a menu item");
        verify(host.session.room.isHost);
        keyClick(Qt.Key_Escape);
        tryVerify(() => !menu.visible);
    }

    function test_chatScrollsByKeyboardAndEndGoesToTheNewest() {
        fixture.bulkRoom(300);
        tryVerify(() => fixture.bulkRoomReady(), 15000);
        const reader = fixture.newController("Reader");
        tryCompare(reader, "phase", AppController.Lobby, 5000);
        fixture.joinBulkRoom(reader);
        tryCompare(reader, "phase", AppController.Room, 10000);
        const view = makeView(reader);
        const list = findChild(view, "messagesList");
        const bar = findChild(view, "newestBar");
        tryVerify(() => !reader.session.loadingHistory && list.count >= 100, 5000);
        tryVerify(() => list.atYEnd);
        list.forceActiveFocus(Qt.TabFocusReason);
        keyClick(Qt.Key_PageUp);
        keyClick(Qt.Key_PageUp);
        tryVerify(() => bar.visible);
        verify(!list.atYEnd);
        keyClick(Qt.Key_Down);
        verify(bar.visible);
        keyClick(Qt.Key_End);
        tryVerify(() => list.atYEnd);
        verify(!bar.visible);
    }

    // A message written while the connection is down shows at once, "sending…", and settles
    // once the host has it; it is there once.
    function test_sendingShowsUntilTheHostHasIt() {
        const ben = join("Ben");
        const view = makeView(ben);
        fixture.breakConnection(ben);
        verify(ben.connectionLost);
        verify(ben.session.sendChat("on its way"));
        compare(lastMessage(ben.session), "on its way");
        compare(lastDelivery(ben.session), "sending");
        const list = findChild(view, "messagesList");
        tryVerify(() => findChild(list, "sendingNote") !== null && findChild(list, "sendingNote").visible);
        tryVerify(() => !ben.connectionLost, 10000);
        tryVerify(() => lastDelivery(ben.session) === "stored", 5000, "settled");
        tryVerify(() => findChild(list, "sendingNote") === null);
        tryVerify(() => lastMessage(host.session) === "on its way", 5000);
        let copies = 0;
        const messages = host.session.messages;
        for (let i = 0; i < messages.count; ++i)
            copies += messages.data(messages.index(i, 0), MessagesModel.TextRole) === "on its way";
        compare(copies, 1);
    }

    // What people must share is never cut off: at 800×600 and at the window's default size
    // (62×40 lines) the code, the address and both copy buttons are whole and inside.
    function test_headerShowsEverythingToShare_data() {
        return [
            { tag: "800x600", width: 800, height: 600 },
            { tag: "default", width: Math.round(Theme.unit * 62), height: Math.round(Theme.unit * 40) },
        ];
    }
    function test_headerShowsEverythingToShare(data) {
        view = roomComponent.createObject(testCase, { app: host, session: host.session });
        view.anchors.fill = undefined;
        view.width = data.width;
        view.height = data.height;
        waitForRendering(view);
        for (const name of ["codeLabel", "copyCodeButton", "copyInviteButton", "addressLabel",
                            "leaveButton", "headerExportButton", "networkCheckButton"]) {
            const item = findChild(view, name);
            verify(item && item.visible, name);
            const p = item.mapToItem(view, 0, 0);
            verify(p.x >= 0 && p.y >= 0 && p.x + item.width <= view.width + 0.5,
                   name + " inside the window at " + data.tag);
            if (item.truncated !== undefined)
                verify(!item.truncated, name + " not cut off");
            if (item.contentWidth !== undefined && item.implicitWidth !== undefined && name === "addressLabel")
                verify(item.contentWidth <= item.width + 0.5, "the address whole");
        }
        compare(findChild(view, "addressLabel").text, host.serverAddress);
    }

    // The room-ended card holds its buttons at the default size (and wraps them when narrow).
    function test_endedCardHoldsItsButtons_data() {
        return [
            { tag: "default", width: Math.round(Theme.unit * 62), height: Math.round(Theme.unit * 40) },
            { tag: "narrow", width: 560, height: 480 },
        ];
    }
    function test_endedCardHoldsItsButtons(data) {
        const ben = join("Ben");
        view = roomComponent.createObject(testCase, { app: ben, session: ben.session });
        view.anchors.fill = undefined;
        view.width = data.width;
        view.height = data.height;
        host.closeRoom();
        const overlay = findChild(view, "endedOverlay");
        tryVerify(() => overlay.visible, 5000);
        waitForRendering(view);
        const row = findChild(view, "endedButtons");
        const card = row.parent.parent; // the card's ColumnLayout, then the card's content item
        for (const name of ["exportTranscriptButton", "keepReadingButton", "backToLobbyButton"]) {
            const button = findChild(view, name);
            const p = button.mapToItem(card, 0, 0);
            verify(p.x >= 0 && p.x + button.width <= card.width + 0.5,
                   name + " inside the card at " + data.tag + ": " + p.x + "+" + button.width + " in " + card.width);
        }
    }

    // Two long names that begin alike both show whole in the list (wrapped, never "…").
    function test_longNamesShowWhole() {
        const first = "Alexandra Konstantinopoulou-Ab";
        const second = "Alexandra Konstantinopoulou-Xy";
        addGuest(first);
        addGuest(second);
        const view = makeView(host);
        const list = findChild(view, "participantsList");
        waitForRendering(view);
        let seen = 0;
        for (let i = 0; i < list.contentItem.children.length; ++i) {
            const label = findChild(list.contentItem.children[i], "participantName");
            if (!label || (label.text !== first && label.text !== second))
                continue;
            ++seen;
            verify(!label.truncated, label.text + " is cut off");
            verify(label.width <= list.width, label.text + " wider than the list");
        }
        compare(seen, 2);
    }

    function test_lengthCounterNearTheLimit() {
        const view = makeView(host);
        const input = findChild(view, "composerInput");
        const counter = findChild(view, "lengthCounter");
        const send = findChild(view, "sendButton");
        verify(!counter.visible);
        input.text = "x".repeat(1700);
        verify(counter.visible);
        compare(counter.text, "1700/2000");
        verify(send.enabled);
        input.text = "x".repeat(2001);
        verify(!send.enabled);
        // Code points, not UTF-16 units: 1000 emoji are 1000 characters.
        input.text = "😀".repeat(1000);
        verify(!counter.visible);
    }

    function test_statusTogglesChangeWhatEveryoneSees() {
        const view = makeView(host);
        addGuest("Ben");
        const ready = findChild(view, "readyToggle");
        verify(!host.session.ready);
        mouseClick(ready);
        tryCompare(host.session, "ready", true, 5000);
        verify(ready.checked);
        mouseClick(findChild(view, "micToggle"));
        tryCompare(host.session, "muted", true, 5000);
        mouseClick(ready);
        tryCompare(host.session, "ready", false, 5000);
    }

    function test_hostRemovesAParticipant() {
        const view = makeView(host);
        addGuest("Ben");
        const list = findChild(view, "participantsList");
        tryCompare(list, "count", 2);
        // Through the participant's menu and the confirmation.
        let row = null;
        tryVerify(() => {
            for (let i = 0; i < list.contentItem.children.length; ++i) {
                const b = findChild(list.contentItem.children[i], "participantMenuButton");
                if (b && b.visible)
                    row = list.contentItem.children[i];
            }
            return row !== null;
        });
        mouseClick(findChild(row, "participantMenuButton"));
        const menu = findChild(row, "participantMenu");
        tryVerify(() => menu.opened);
        mouseClick(findChild(row, "kickItem"));
        // Confirm with the keyboard: the dialog's main button has the focus.
        tryVerify(() => findChild(view, "confirmDialog") === null || true);
        wait(100);
        keyClick(Qt.Key_Return);
        tryCompare(list, "count", 1, 5000);
        verify(lastMessage(host.session).indexOf("Ben was removed by the host") === 0);
    }

    function test_hostSettingsAndSession() {
        const view = makeView(host);
        const room = host.session.room;
        // Start and finish the session.
        const sessionButton = findChild(view, "sessionButton");
        mouseClick(sessionButton);
        tryCompare(room, "state", "active", 5000);
        mouseClick(sessionButton);
        tryCompare(room, "state", "finished", 5000);
        verify(!sessionButton.visible);
        // Settings: more seats, locked; only what changed is sent.
        mouseClick(findChild(view, "settingsButton"));
        const dialog = findChild(view, "settingsDialog");
        tryVerify(() => dialog.opened);
        findChild(view, "settingsCapacityBox").value = 6;
        findChild(view, "settingsLockedBox").checked = true;
        dialog.accept();
        tryCompare(room, "capacity", 6, 5000);
        verify(room.locked);
        compare(room.name, "Game night");
        tryVerify(() => lastMessage(host.session).indexOf("locked") >= 0
                        || lastMessage(host.session).indexOf("6 seats") >= 0, 5000);
        // Statistics come from room_info.
        host.session.refreshStats();
        tryVerify(() => host.session.stats.joins >= 1, 5000);
    }

    function test_waitingListAdmits() {
        host.session.updateSettings({ "approval": true });
        tryVerify(() => host.session.room.approvalRequired, 5000);
        const view = makeView(host);
        const waiting = findChild(view, "waitingList");
        fixture.addGuest(host, "Dev", false);
        tryCompare(waiting, "count", 1, 5000);
        verify(!fixture.guestJoined("Dev"));
        host.session.act("admit", fixture.guestId("Dev"));
        tryVerify(() => fixture.guestJoined("Dev"), 5000);
        tryCompare(waiting, "count", 0);
        tryCompare(findChild(view, "participantsList"), "count", 2);
    }

    function test_leaveAsksFirstAndEscapeCancels() {
        const ben = join("Ben");
        const view = makeView(ben);
        const leave = findChild(view, "leaveButton");
        mouseClick(leave);
        const dialog = findChild(view, "leaveDialog");
        tryVerify(() => dialog.opened);
        keyClick(Qt.Key_Escape);
        tryVerify(() => !dialog.visible);
        compare(ben.phase, AppController.Room);
        mouseClick(leave);
        tryVerify(() => dialog.opened);
        keyClick(Qt.Key_Return);
        tryCompare(ben, "phase", AppController.Lobby, 5000);
        tryCompare(host.session.participants, "count", 1, 5000);
    }

    function test_bannerWhenTheConnectionDrops() {
        const ben = join("Ben");
        const view = makeView(ben);
        verify(!ben.connectionLost);
        fixture.dropConnection(ben);
        tryVerify(() => ben.connectionLost, 5000);
        const text = findChild(view, "connectionText");
        tryVerify(() => text.visible && text.text.length > 0);
        verify(!findChild(view, "composerInput").enabled);
    }

    function test_reconnectingBannerCountsAttemptsAndClears() {
        const ben = join("Ben");
        const view = makeView(ben);
        const text = findChild(view, "connectionText");
        fixture.breakConnection(ben);
        verify(ben.connectionLost);
        tryVerify(() => text.visible);
        verify(text.text.indexOf("Reconnecting… (attempt 1)") === 0, text.text);
        // Writing goes on while reconnecting: the message waits and goes out once back.
        verify(findChild(view, "composerInput").enabled);
        verify(ben.session.sendChat("written while away"));
        tryVerify(() => !ben.connectionLost, 10000);
        verify(!text.visible);
        tryCompare(ben.session, "unsentMessages", 0, 10000);
        tryVerify(() => lastMessage(host.session) === "written while away", 5000);
        compare(lastMessage(ben.session), "written while away");
        compare(host.session.participants.count, 2); // the same seat, nobody doubled
    }

    function test_closedRoomKeepsTheTranscriptAndExportsIt() {
        const ben = join("Ben");
        const view = makeView(ben);
        verify(ben.session.sendChat("my words stay"));
        tryVerify(() => lastMessage(ben.session) === "my words stay"
                        && lastDelivery(ben.session) === "stored", 5000);
        host.closeRoom();
        const overlay = findChild(view, "endedOverlay");
        tryVerify(() => overlay.visible, 5000);
        mouseClick(findChild(view, "keepReadingButton"));
        verify(!overlay.visible);
        // The chat is still there, and the banner says in plain words what happened.
        verify(findChild(view, "messagesList").visible);
        const text = findChild(view, "connectionText");
        tryVerify(() => text.visible && text.text.indexOf("The host closed the room") === 0, 5000);
        verify(!ben.connectionLost); // not trying to reconnect to a room that is gone
        const exportButton = findChild(view, "bannerExportButton");
        tryVerify(() => exportButton.visible && exportButton.width > 0);
        waitForRendering(view); // the banner has just grown: click where the button is now
        mouseClick(exportButton);
        tryVerify(() => text.text.indexOf("Saved to ") > 0, 5000);
        const paths = /Saved to (\S+\.md) and (\S+\.json)/.exec(text.text);
        verify(paths !== null, text.text);
        const content = fixture.readFile(paths[1]);
        verify(content.indexOf("**Ben:** my words stay") > 0, content);
        verify(content.indexOf("*The host closed the room.*") > 0, content);
        // The room is gone, but the view had all of it: nothing is said to be missing.
        verify(content.indexOf("could not be fetched") < 0, content);
        const json = JSON.parse(fixture.readFile(paths[2]));
        compare(json.messages[json.messages.length - 1].text, "The host closed the room.");
        verify(json.messages.some(m => m.kind === "chat" && m.authorName === "Ben"
                                       && m.text === "my words stay"));
    }

    function test_transcriptCanBeExportedAnyTime() {
        addGuest("Cleo");
        fixture.guestSay("Cleo", "line one\nline two");
        tryVerify(() => lastMessage(host.session) === "line one\nline two", 5000);
        const view = makeView(host);
        const button = findChild(view, "headerExportButton");
        mouseClick(button);
        const noteText = findChild(view, "noteText");
        tryVerify(() => noteText.text.indexOf("Saved to ") === 0, 5000);
        verify(button.enabled);
        compare(button.text, "Export transcript");
        const paths = /Saved to (\S+\.md) and (\S+\.json)/.exec(noteText.text);
        verify(paths !== null, noteText.text);
        const content = fixture.readFile(paths[1]);
        verify(content.indexOf("# Hearth room “Game night”") === 0, content);
        // One paragraph, the line break kept as a hard break.
        verify(content.indexOf("**Cleo:** line one\\\nline two\n") > 0, content);
        const json = JSON.parse(fixture.readFile(paths[2]));
        compare(json.name, "Game night");
        compare(json.room, host.session.code);
        const last = json.messages[json.messages.length - 1];
        compare(last.text, "line one\nline two");
        compare(last.authorName, "Cleo");
        compare(last.kind, "chat");
    }

    function test_hostQuittingTellsJoinersInPlainWords() {
        const ben = join("Ben");
        const view = makeView(ben);
        let finished = false;
        host.shutdownFinished.connect(() => finished = true);
        host.shutdown(); // the hosting app quits
        tryVerify(() => finished, 10000);
        const overlay = findChild(view, "endedOverlay");
        tryVerify(() => overlay.visible, 5000);
        compare(lastMessage(ben.session), "The host closed the room.");
        // The room is gone: no reconnecting to it, and the banner says what happened.
        tryCompare(ben.client, "state", RoomClient.Disconnected, 5000);
        verify(!ben.connectionLost);
        mouseClick(findChild(view, "keepReadingButton"));
        const text = findChild(view, "connectionText");
        tryVerify(() => text.visible && text.text.indexOf("The host closed the room (or quit Hearth)") === 0, 5000);
    }

    function test_closedRoomEndsTheViewForJoiners() {
        const ben = join("Ben");
        const view = makeView(ben);
        const overlay = findChild(view, "endedOverlay");
        verify(!overlay.visible);
        host.closeRoom();
        tryVerify(() => overlay.visible, 5000);
        compare(lastMessage(ben.session), "The host closed the room.");
        mouseClick(findChild(view, "backToLobbyButton"));
        tryCompare(ben, "phase", AppController.Lobby);
    }

    function test_historyPagesInWhenScrollingUp() {
        fixture.bulkRoom(450);
        tryVerify(() => fixture.bulkRoomReady(), 15000);
        const reader = fixture.newController("Reader");
        tryCompare(reader, "phase", AppController.Lobby, 5000);
        fixture.joinBulkRoom(reader);
        tryCompare(reader, "phase", AppController.Room, 10000);
        const view = makeView(reader);
        const list = findChild(view, "messagesList");
        tryVerify(() => !reader.session.loadingHistory && list.count >= 100, 5000);
        const first = list.count;
        verify(reader.session.hasMoreHistory);
        // Scroll to the top: older pages come in above, one at a time.
        for (let i = 0; i < 200 && reader.session.hasMoreHistory; ++i) {
            // The mouse wheel, turned up briskly: the content moves towards the top.
            for (let notch = 0; notch < 10; ++notch)
                mouseWheel(list, list.width / 2, list.height / 2, 0, 120);
            tryVerify(() => !list.moving, 5000);
            tryVerify(() => !reader.session.loadingHistory, 5000);
        }
        verify(list.count > first);
        tryVerify(() => !reader.session.hasMoreHistory, 10000);
        compare(list.count, 452); // Archivist joined, 450 messages, Reader joined
    }

    // A long room, of which the view holds only the newest page: the export pages the rest in
    // from the host, shows its progress on the button, and saves every message once, in order.
    function test_longTranscriptShowsProgressAndSavesEverything() {
        fixture.bulkRoom(1500);
        tryVerify(() => fixture.bulkRoomReady(), 30000);
        const reader = fixture.newController("Reader");
        tryCompare(reader, "phase", AppController.Lobby, 5000);
        fixture.joinBulkRoom(reader);
        tryCompare(reader, "phase", AppController.Room, 10000);
        const view = makeView(reader);
        const list = findChild(view, "messagesList");
        tryVerify(() => !reader.session.loadingHistory && list.count >= 100, 5000);
        verify(list.count < 1500);
        const shown = list.count;

        const button = findChild(view, "headerExportButton");
        const texts = [];
        button.textChanged.connect(() => texts.push(button.text));
        mouseClick(button);
        const noteText = findChild(view, "noteText");
        tryVerify(() => noteText.text.indexOf("Saved to ") === 0, 30000);
        verify(texts.some(t => /^Saving transcript… [\d,.\s]+ of [\d,.\s]+$/.test(t)), texts.join(" | "));
        compare(button.text, "Export transcript");
        compare(list.count, shown); // the chat itself is left as it was

        const paths = /Saved to (\S+\.md) and (\S+\.json)/.exec(noteText.text);
        verify(paths !== null, noteText.text);
        const json = JSON.parse(fixture.readFile(paths[2]));
        compare(json.messages.length, 1502); // Archivist joined, 1,500 messages, Reader joined
        for (let i = 0; i < json.messages.length; ++i)
            compare(json.messages[i].seq, i + 1);
        compare(json.messages[1].text, "Message number 1");
        compare(json.messages[1500].text, "Message number 1500");
        compare(json.messages[1501].text, "Reader joined.");
        compare(json.trimmedEvents, 0);
        compare(json.unavailableEvents, 0);
    }
}
