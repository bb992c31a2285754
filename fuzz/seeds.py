#!/usr/bin/env python3
"""Builds the fuzzers' seed corpus from docs/protocol.md (run by scripts/fuzz.sh).

Every ```json block of the protocol document holds one or more exact examples; each goes to the
corpus of the targets that read its kind: requests (with an "id" and a request "type") to
fuzz_request and, as masked WebSocket frames, to fuzz_websocketframe; replies, events, notices
and bare participant or room objects to fuzz_clientjson; discovery datagrams to fuzz_lanwire;
hearth:// links to fuzz_links. Examples with an ellipsis ([...]) are kept as they are: an
almost-valid input is a good seed too. Nothing here is committed; only fuzz/seeds/ is.

    fuzz/seeds.py docs/protocol.md OUTDIR
"""
import json
import os
import re
import struct
import sys


def examples(markdown):
    """The examples of every json block: each top-level JSON value, or the raw block text."""
    for block in re.findall(r"```json\n(.*?)```", markdown, re.S):
        decoder = json.JSONDecoder()
        text, at, found = block.strip(), 0, []
        try:
            while at < len(text):
                value, end = decoder.raw_decode(text, at)
                found.append((value, text[at:end]))
                at = end
                while at < len(text) and text[at].isspace():
                    at += 1
        except json.JSONDecodeError:
            found = [(None, text)]
        yield from found


def kind(value):
    if not isinstance(value, dict):
        return "clientjson"
    if value.get("hearth") == "hearth-lan":
        return "lanwire"
    if value.get("type") in ("reply", "event", "notice") or "type" not in value:
        return "clientjson"
    return "request"


def masked_frame(payload, opcode=0x1, fin=True, mask=b"\x37\xfa\x21\x3d"):
    """A client's frame, masked as clients must."""
    header = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", n)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + body


def main():
    doc_path, out = sys.argv[1], sys.argv[2]
    markdown = open(doc_path, encoding="utf-8").read()
    counts = {}

    def write(target, data):
        os.makedirs(os.path.join(out, target), exist_ok=True)
        counts[target] = counts.get(target, 0) + 1
        name = "doc-%03d" % counts[target]
        with open(os.path.join(out, target, name), "wb") as f:
            f.write(data)

    for value, text in examples(markdown):
        data = text.encode("utf-8")
        target = kind(value) if value is not None else "clientjson"
        write(target, data)
        if value is not None:
            compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
            if compact != data:
                write(target, compact)
        if target == "request":
            # The target's first byte is the read size: the whole stream in one read (31), and
            # a fragmented message with a ping between its parts in 5-byte reads (4).
            write("websocketframe", b"\x1f" + masked_frame(data))
            write("websocketframe", b"\x04" + masked_frame(data[:10], 0x1, fin=False) +
                  masked_frame(b"hb", 0x9) + masked_frame(data[10:], 0x0))
    for link in sorted(set(re.findall(r"hearth://[^\s`),]+", markdown))):
        write("links", link.encode("utf-8"))
    for target, n in sorted(counts.items()):
        print("%s: %d seeds" % (target, n))


if __name__ == "__main__":
    main()
