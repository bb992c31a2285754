import QtQuick
import QtTest
import Hearth

// The lobby with a real AppController: live code normalization, what the buttons allow,
// errors in plain words, and joining a room hosted by another (real) controller.
TestCase {
    id: testCase
    name: "Lobby"
    width: 1000
    height: 700
    visible: true
    when: windowShown

    property AppController host: null

    Component {
        id: lobbyComponent
        LobbyView {
            anchors.fill: parent
        }
    }

    // A short window: the lobby scrolls, as it does on a small screen.
    Component {
        id: shortLobbyComponent
        LobbyView {
            width: 900
            height: 380
        }
    }

    function initTestCase() {
        host = fixture.newController("Ana");
        tryCompare(host, "phase", AppController.Lobby, 5000);
        host.hostRoom("Game night", 4, {});
        tryCompare(host, "phase", AppController.Room, 10000);
    }

    function cleanupTestCase() {
        fixture.reset();
    }

    function makeLobby(name) {
        const app = fixture.newController(name);
        tryCompare(app, "phase", AppController.Lobby, 5000);
        const lobby = createTemporaryObject(lobbyComponent, testCase, { app: app });
        verify(lobby);
        waitForRendering(lobby);
        return lobby;
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

    function typeInto(item, text) {
        mouseClick(item);
        tryVerify(() => item.activeFocus);
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i]);
    }

    function test_changedCertificateAsksBeforeJoining() {
        const first = fixture.tlsFront(host);
        const lobby = makeLobby("Ben");
        const app = lobby.app;
        app.joinRoom(first, host.session.code, false, "");
        tryCompare(app, "phase", AppController.Room, 10000);
        const firstWords = fixture.tlsFrontWords();
        compare(fixture.pinnedWords(app, first), firstWords); // pinned on first use
        app.leaveRoom();
        tryCompare(app, "phase", AppController.Lobby, 5000);

        // Same host and port, another certificate: the join stops and the lobby asks.
        const again = fixture.tlsFront(host, true);
        compare(again, first);
        const secondWords = fixture.tlsFrontWords();
        verify(secondWords !== firstWords);
        app.joinRoom(again, host.session.code, false, "");
        const dialog = findChild(lobby, "certificateDialog");
        tryCompare(dialog, "opened", true, 10000);
        compare(app.phase, AppController.Lobby);
        const text = dialog.message;
        verify(text.indexOf(firstWords) >= 0, text);
        verify(text.indexOf(secondWords) >= 0, text);
        verify(text.indexOf("127.0.0.1:") >= 0, text);
        compare(dialog.acceptText, "Trust the new one");
        waitForRendering(dialog.contentItem);
        screenshot(testCase.Window.window.contentItem, "lobby-certificate-changed.png"); // with the dialog

        // Enter does not accept: the focus starts on Cancel. Cancel keeps the old pin.
        keyClick(Qt.Key_Return);
        tryCompare(dialog, "opened", false);
        compare(app.certificateWarning, "");
        compare(fixture.pinnedWords(app, first), firstWords);
        compare(app.phase, AppController.Lobby);

        // Asked again, "Trust the new one" replaces the pin and joins again.
        app.joinRoom(again, host.session.code, false, "");
        tryCompare(dialog, "opened", true, 10000);
        dialog.accept();
        tryCompare(dialog, "opened", false);
        compare(fixture.pinnedWords(app, first), secondWords);
        tryVerify(() => app.phase !== AppController.Connecting, 10000);
    }

    function test_codeIsNormalizedAsOneTypes() {
        const lobby = makeLobby("Ben");
        const code = findChild(lobby, "codeField");
        const hint = findChild(lobby, "codeHint");
        typeInto(code, "xj9-k");
        compare(code.text, "XJ9K");
        compare(hint.text, "2 more characters");
        typeInto(code, "2m");
        compare(code.text, "XJ9K2M");
        verify(hint.text.indexOf("complete") >= 0);
        // A seventh character, or one codes never contain, is refused and explained.
        keyClick("O");
        compare(code.text, "XJ9K2M");
        verify(hint.text.indexOf("without I, O, 0 and 1") >= 0);
    }

    function test_joinNeedsACompleteCode() {
        const lobby = makeLobby("Ben");
        const join = findChild(lobby, "joinButton");
        const code = findChild(lobby, "codeField");
        const hostField = findChild(lobby, "hostField");
        hostField.text = "";
        verify(!join.enabled);
        typeInto(code, "ABCDE");
        verify(!join.enabled);
        // The code alone is enough: the host is found on the network.
        typeInto(code, "F");
        verify(join.enabled);
        typeInto(hostField, "127.0.0.1");
        verify(join.enabled);
        // No name (only blanks): nothing can be done.
        findChild(lobby, "nameField").text = "   ";
        verify(!join.enabled);
        verify(!findChild(lobby, "hostButton").enabled);
    }

    function test_wrongCodeIsExplained() {
        const lobby = makeLobby("Ben");
        const code = host.session.code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ";
        typeInto(findChild(lobby, "codeField"), code);
        const hostField = findChild(lobby, "hostField");
        hostField.text = "";
        typeInto(hostField, "127.0.0.1:" + host.serverPort);
        mouseClick(findChild(lobby, "joinButton"));
        tryVerify(() => findChild(lobby, "errorBox").visible, 5000);
        verify(findChild(lobby, "errorLabel").text.indexOf("No room has this code") >= 0);
        compare(lobby.app.phase, AppController.Lobby);
    }

    function test_enterJoinsTheRoom() {
        const lobby = makeLobby("Ben");
        const hostField = findChild(lobby, "hostField");
        hostField.text = "";
        typeInto(hostField, "127.0.0.1:" + host.serverPort);
        // Typed loosely, Enter in the code field joins.
        const typed = host.session.code.toLowerCase();
        typeInto(findChild(lobby, "codeField"), typed.slice(0, 3) + " " + typed.slice(3));
        keyClick(Qt.Key_Return);
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.code, host.session.code);
        tryCompare(host.session.participants, "count", 2, 5000);
    }

    // LAN discovery (kept on loopback by the test environment): the code alone joins.
    function test_codeAloneFindsTheHost() {
        const lobby = makeLobby("Ben");
        findChild(lobby, "hostField").text = "";
        typeInto(findChild(lobby, "codeField"), host.session.code.toLowerCase());
        mouseClick(findChild(lobby, "joinButton"));
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.code, host.session.code);
        // Over TLS, to the certificate the code vouched for: the host's own.
        compare(lobby.app.client.url.toString(), "wss://127.0.0.1:" + host.serverPort + "/");
        verify(host.hostFingerprintWords.length > 0);
        compare(lobby.app.certificateWords, host.hostFingerprintWords);
        // A joiner's invite carries the address it found, and that certificate.
        compare(lobby.app.inviteLink, "hearth://127.0.0.1:" + host.serverPort + "/" + host.session.code
                + "?fp=" + fixture.fingerprintHex(host));
        // Give the seat back: other tests count the host's participants.
        lobby.app.leaveRoom();
        tryCompare(lobby.app, "phase", AppController.Lobby, 5000);
        tryCompare(host.session.participants, "count", 1, 5000);
    }

    function test_unknownCodeOffersAddressEntry() {
        const lobby = makeLobby("Ben");
        findChild(lobby, "hostField").text = "";
        verify(!findChild(lobby, "firewallHint").visible);
        typeInto(findChild(lobby, "codeField"), host.session.code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ");
        mouseClick(findChild(lobby, "joinButton"));
        tryVerify(() => findChild(lobby, "errorBox").visible, 5000);
        verify(findChild(lobby, "errorLabel").text.indexOf("No host on this network answered") >= 0);
        verify(findChild(lobby, "errorLabel").text.indexOf("firewall") >= 0);
        verify(findChild(lobby, "firewallHint").visible);
        tryVerify(() => findChild(lobby, "hostField").activeFocus);
        compare(lobby.app.phase, AppController.Lobby);
    }

    function test_publicRoomsAreListedAndJoined() {
        const lobby = makeLobby("Eve");
        const list = findChild(lobby, "publicRoomsList");
        verify(findChild(lobby, "publicRoomsEmpty").visible);
        const other = fixture.newController("Dan");
        tryCompare(other, "phase", AppController.Lobby, 5000);
        other.hostRoom("Open night", 6, { "isPublic": true });
        tryCompare(other, "phase", AppController.Room, 10000);
        tryCompare(list, "count", 1, 5000);
        tryVerify(() => !findChild(lobby, "publicRoomsEmpty").visible, 5000);
        // The private room of the test's host is not listed; the public one is.
        tryCompare(lobby.app.publicRooms, "count", 1, 5000);
        // The entry leads to the host's wss:// address; joined as its Join button does.
        const entry = list.itemAtIndex(0);
        verify(entry);
        compare(entry.address, "wss://127.0.0.1:" + other.serverPort + "/");
        compare(entry.code, other.session.code);
        lobby.app.joinRoom(entry.address, entry.code, false, "");
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.name, "Open night");
        // Reached with the certificate the host announced: its own.
        compare(lobby.app.certificateWords, other.hostFingerprintWords);
        // Closing it removes it from the list.
        other.closeRoom();
        tryCompare(list, "count", 0, 5000);
    }

    function test_hostButtonHosts() {
        const lobby = makeLobby("Chloé");
        const roomName = findChild(lobby, "roomNameField");
        roomName.text = "";
        typeInto(roomName, "Study group");
        const button = findChild(lobby, "hostButton");
        verify(button.enabled);
        mouseClick(button);
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        verify(lobby.app.hosting);
        compare(lobby.app.session.room.name, "Study group");
        verify(lobby.app.session.room.isHost);
    }

    // A hearth:// link (or `hearth join CODE`) opened without a saved name: the code and the
    // address stay in their fields, the name is asked for right there, Enter joins.
    function test_linkWithoutANameAsksForIt() {
        const seated = host.session.participants.count;
        const lobby = makeLobby("");
        const nameField = findChild(lobby, "nameField");
        const prompt = findChild(lobby, "namePrompt");
        verify(!prompt.visible);
        lobby.app.openJoin("hearth://127.0.0.1:" + host.serverPort + "/" + host.session.code, "");
        compare(lobby.app.phase, AppController.Lobby);
        compare(findChild(lobby, "codeField").text, host.session.code);
        compare(findChild(lobby, "hostField").text, "127.0.0.1:" + host.serverPort);
        verify(prompt.visible);
        verify(prompt.text.indexOf(host.session.code) >= 0);
        verify(!findChild(lobby, "errorBox").visible);
        tryVerify(() => nameField.activeFocus);
        compare(nameField.Accessible.description, prompt.text);
        const join = findChild(lobby, "joinButton");
        verify(!join.enabled);
        compare(findChild(lobby, "joinHint").text, "Type your name first (at the top).");

        for (const c of "Gus")
            keyClick(c);
        verify(join.enabled);
        keyClick(Qt.Key_Return);
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.code, host.session.code);
        compare(lobby.app.pendingCode, "");
        lobby.app.leaveRoom();
        tryCompare(lobby.app, "phase", AppController.Lobby, 5000);
        tryCompare(host.session.participants, "count", seated, 5000);
    }

    function test_disabledButtonsSayWhatIsMissing() {
        const lobby = makeLobby("");
        const hostButton = findChild(lobby, "hostButton");
        const joinButton = findChild(lobby, "joinButton");
        const hostHint = findChild(lobby, "hostHint");
        const joinHint = findChild(lobby, "joinHint");
        findChild(lobby, "hostField").text = "";
        verify(!hostButton.enabled);
        verify(!joinButton.enabled);
        verify(hostHint.visible);
        verify(joinHint.visible);
        compare(hostHint.text, "Type your name first (at the top).");
        compare(joinHint.text, "Type your name first (at the top).");
        compare(hostButton.Accessible.description, hostHint.text);
        compare(joinButton.Accessible.description, joinHint.text);

        typeInto(findChild(lobby, "nameField"), "Hal");
        compare(joinHint.text, "Type the 6-character code.");
        compare(joinButton.Accessible.description, "Type the 6-character code.");
        const roomName = findChild(lobby, "roomNameField");
        roomName.text = "";
        compare(hostHint.text, "Give the room a name.");
        typeInto(roomName, "Quiz");
        verify(hostButton.enabled);
        verify(!hostHint.visible);
        compare(hostButton.Accessible.description, "");
        typeInto(findChild(lobby, "codeField"), "ABCDEF");
        verify(joinButton.enabled);
        verify(!joinHint.visible);
    }

    // "ana" in Ana's room: refused on the server with name_taken, shown by the name field
    // (not in the error box), the focus back on the name, the code kept; a new name and
    // Enter join.
    function test_takenNameIsShownByTheNameField() {
        const seated = host.session.participants.count;
        const lobby = makeLobby("ana");
        const codeField = findChild(lobby, "codeField");
        const nameField = findChild(lobby, "nameField");
        const hostField = findChild(lobby, "hostField");
        hostField.text = "";
        typeInto(hostField, "127.0.0.1:" + host.serverPort);
        typeInto(codeField, host.session.code);
        mouseClick(findChild(lobby, "joinButton"));
        const nameError = findChild(lobby, "nameErrorLabel");
        tryVerify(() => nameError.visible, 5000);
        compare(nameError.text, "Someone in this room is already called “Ana”; pick another name.");
        compare(lobby.app.errorCode, "name_taken");
        verify(!findChild(lobby, "errorBox").visible);
        compare(codeField.text, host.session.code);
        tryVerify(() => nameField.activeFocus);
        compare(nameField.Accessible.description, nameError.text);

        // The name is selected: typing replaces it, the refusal goes, Enter joins.
        for (const c of "Ines")
            keyClick(c);
        compare(nameField.text, "Ines");
        verify(!nameError.visible);
        keyClick(Qt.Key_Return);
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        lobby.app.leaveRoom();
        tryCompare(lobby.app, "phase", AppController.Lobby, 5000);
        tryCompare(host.session.participants, "count", seated, 5000);
    }

    // Someone who scrolled down to "Join" in a short window still sees why it failed.
    function test_errorIsShownWhereOneLooks() {
        const app = fixture.newController("Jo");
        tryCompare(app, "phase", AppController.Lobby, 5000);
        const lobby = createTemporaryObject(shortLobbyComponent, testCase, { app: app });
        waitForRendering(lobby);
        const hostField = findChild(lobby, "hostField");
        hostField.text = "127.0.0.1:" + host.serverPort;
        findChild(lobby, "codeField").text = host.session.code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ";
        const join = findChild(lobby, "joinButton");
        // Scroll down to the button, as the person would, and press it.
        lobby.reveal(join);
        waitForRendering(lobby);
        const before = join.mapToItem(lobby, 0, 0).y;
        verify(before >= 0 && before + join.height <= lobby.height);
        const box = findChild(lobby, "errorBox");
        verify(box.mapToItem(lobby, 0, 0).y < 0); // the error's place is scrolled away
        mouseClick(join);
        tryVerify(() => box.visible, 5000);
        verify(findChild(lobby, "errorLabel").text.indexOf("No room has this code") >= 0);
        // Scrolled into view, whole.
        tryVerify(() => {
            const y = box.mapToItem(lobby, 0, 0).y;
            return y >= 0 && y + box.height <= lobby.height;
        }, 2000);
    }

    // A full room that takes spectators offers to watch, in one click.
    function test_fullRoomOffersToWatch() {
        const tiny = fixture.newController("Kim");
        tryCompare(tiny, "phase", AppController.Lobby, 5000);
        tiny.hostRoom("Tiny", 1, { "spectators": true });
        tryCompare(tiny, "phase", AppController.Room, 10000);

        const lobby = makeLobby("Lou");
        const hostField = findChild(lobby, "hostField");
        hostField.text = "127.0.0.1:" + tiny.serverPort;
        findChild(lobby, "codeField").text = tiny.session.code;
        mouseClick(findChild(lobby, "joinButton"));
        const watch = findChild(lobby, "watchButton");
        tryVerify(() => findChild(lobby, "errorBox").visible, 5000);
        compare(lobby.app.errorCode, "room_full");
        verify(watch.visible);
        verify(findChild(lobby, "errorLabel").text.indexOf("watch as a spectator") >= 0);
        mouseClick(watch);
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.yourRole, "spectator");
        tryCompare(tiny.session.room, "spectators", 1, 5000);
        tiny.closeRoom();
        tryCompare(tiny, "phase", AppController.Lobby, 5000);
    }
}
