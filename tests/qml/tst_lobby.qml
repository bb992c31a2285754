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

    function typeInto(item, text) {
        mouseClick(item);
        tryVerify(() => item.activeFocus);
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i]);
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
        compare(lobby.app.client.url.toString(), "ws://127.0.0.1:" + host.serverPort + "/");
        // A joiner's invite carries the address it found.
        verify(lobby.app.inviteLink === "hearth://127.0.0.1:" + host.serverPort + "/" + host.session.code);
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
        verify(!findChild(lobby, "publicRoomsEmpty").visible);
        // The private room of the test's host is not listed; the public one is, with its host.
        compare(lobby.app.publicRooms.count, 1);
        lobby.app.joinRoom("ws://127.0.0.1:" + other.serverPort + "/", other.session.code, false, "");
        tryCompare(lobby.app, "phase", AppController.Room, 10000);
        compare(lobby.app.session.room.name, "Open night");
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
}
