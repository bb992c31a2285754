#!/usr/bin/env python3
"""A minimal Hearth client for the package test (Python's standard library only).

    smoke-client.py ws://127.0.0.1:PORT/ VERSION

Does the WebSocket handshake (RFC 6455), then, as docs/protocol.md describes: hello (the
reply must name the server hearth/VERSION), create_room (a 6-character code), send_chat (the
chat event comes back with our text), and a clean close. Exits 1 with a message on any
deviation.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import struct
import sys
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CODE = re.compile(r"^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$")


def fail(message):
    print(f"smoke-client: {message}", file=sys.stderr)
    sys.exit(1)


class Connection:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("ws", "wss") or parts.hostname is None or parts.port is None:
            fail(f"not a ws:// or wss://HOST:PORT/ url: {url}")
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        if parts.scheme == "wss":
            # The server's certificate is self-signed: trusted only if it is the one whose
            # SHA-256 `hearth serve` printed (HEARTH_SMOKE_FINGERPRINT), as a joiner pins it.
            import ssl

            expected = os.environ.get("HEARTH_SMOKE_FINGERPRINT", "").lower()
            if not expected:
                fail("wss:// needs HEARTH_SMOKE_FINGERPRINT (the certificate's SHA-256)")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self.sock = context.wrap_socket(self.sock)
            der = self.sock.getpeercert(binary_form=True)
            if hashlib.sha256(der).hexdigest() != expected:
                fail("the server's certificate is not the one it printed")
            print(f"smoke: {self.sock.version()} with the expected certificate", file=sys.stderr)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET / HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            fail(f"handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            fail("wrong Sec-WebSocket-Accept in the handshake")

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            fail("the server closed the connection")
        self.buffer += chunk

    def _take(self, count):
        while len(self.buffer) < count:
            self._receive()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, message):
        self._send_frame(0x1, json.dumps(message).encode())

    def frame(self):
        """The next text or close frame (pings are answered, pongs skipped)."""
        while True:
            first, second = self._take(2)
            opcode, length = first & 0x0F, second & 0x7F
            if second & 0x80:
                fail("the server masked a frame")
            if length == 126:
                (length,) = struct.unpack("!H", self._take(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._take(8))
            payload = self._take(length)
            if opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode in (0x1, 0x8):
                return opcode, payload
            elif opcode != 0xA:
                fail(f"unexpected frame opcode {opcode}")

    def message(self):
        opcode, payload = self.frame()
        if opcode == 0x8:
            fail(f"the server closed the WebSocket: {payload[:2].hex()} {payload[2:]!r}")
        return json.loads(payload)

    def request(self, message, seen_events):
        self.send(message)
        while True:
            frame = self.message()
            if frame.get("type") == "reply" and frame.get("id") == message["id"]:
                if not frame.get("ok"):
                    fail(f"{message['type']} failed: {frame.get('error')}")
                return frame["result"]
            if frame.get("type") == "event":
                seen_events.append(frame)

    def close(self):
        self._send_frame(0x8, struct.pack("!H", 1000))
        opcode, payload = self.frame()
        if opcode != 0x8:
            fail("no close frame after ours")
        self.sock.close()


def main():
    if len(sys.argv) != 3:
        fail("usage: smoke-client.py ws://HOST:PORT/ VERSION")
    url, version = sys.argv[1], sys.argv[2]
    connection = Connection(url)
    events = []
    # Protocol 2: hello carries the secret derived for this host, never the identity's own
    # (docs/protocol.md, "Identity across hosts"; over ws:// the host key is the host's name).
    identity_secret = secrets.token_urlsafe(32)[:40]
    host_key = f"ws://{urllib.parse.urlsplit(url).hostname.lower()}"
    derived = base64.urlsafe_b64encode(
        hmac.new(identity_secret.encode(), b"hearth-host-secret-v2|" + host_key.encode(),
                 hashlib.sha256).digest()).rstrip(b"=").decode()
    identity = {"id": secrets.token_hex(16), "secret": derived}
    hello = connection.request(
        {"id": 1, "type": "hello", "version": 2, "client": "hearth-package-test/1",
         "identity": identity}, events)
    if hello.get("server") != f"hearth/{version}" or hello.get("version") != 2:
        fail(f"hello: expected server hearth/{version}, protocol 2; got {hello}")
    created = connection.request(
        {"id": 2, "type": "create_room", "name": "Package smoke test", "displayName": "Smoke",
         "capacity": 2}, events)
    code = created.get("room", {}).get("code", "")
    if not CODE.match(code):
        fail(f"create_room: not a room code: {code!r}")
    text = "hello from the package test"
    connection.request({"id": 3, "type": "send_chat", "room": code, "text": text}, events)
    while not any(e.get("event") == "chat" for e in events):
        frame = connection.message()
        if frame.get("type") == "event":
            events.append(frame)
    chat = next(e for e in events if e.get("event") == "chat")
    if chat.get("room") != code or chat.get("data", {}).get("text") != text:
        fail(f"the chat event is not ours: {chat}")
    connection.close()
    print(f"smoke-client: hello, create_room ({code}) and send_chat answered by hearth/{version}")


if __name__ == "__main__":
    main()
