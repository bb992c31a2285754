#!/usr/bin/env python3
"""Makes the binary assets in resources/ from what is written here, so that each can be
remade and changed by hand:

- sounds/attention.wav: the short sound for a join request or a mention (two soft rising
  tones, 0.35 s, 16-bit mono 44.1 kHz), synthesised below.
- icons/tray.png, icons/tray-unread.png (32x32 and @2x): the tray icon, rendered from the app's
  icon (packaging/icons/hearth.svg) with rsvg-convert; the "unread" one has an ember dot.

Run from the repository root: python3 resources/make-assets.py
"""
import math
import os
import struct
import subprocess
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RATE = 44100


def tone(freq, start, length, volume):
    """Samples of a sine with a soft attack and an exponential decay (no clicks)."""
    out = []
    for i in range(int(length * RATE)):
        t = i / RATE
        attack = min(1.0, t / 0.008)
        decay = math.exp(-t * 9.0)
        # a little of the octave for a rounder, bell-like note
        s = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
        out.append((start + i, volume * attack * decay * s / 1.25))
    return out


def make_sound(path):
    total = int(0.35 * RATE)
    mix = [0.0] * total
    for note in (tone(880.0, 0, 0.30, 0.45), tone(1318.5, int(0.09 * RATE), 0.26, 0.40)):
        for index, value in note:
            if index < total:
                mix[index] += value
    # fade the very end to silence
    fade = int(0.02 * RATE)
    for i in range(fade):
        mix[total - fade + i] *= 1 - i / fade
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, v)) * 32767)) for v in mix))


def make_icons():
    svg = open(os.path.join(ROOT, "packaging", "icons", "hearth.svg"), encoding="utf-8").read()
    dot = ('<circle cx="100" cy="28" r="24" fill="#e5484d" stroke="#ffffff" stroke-width="6"/>'
           "</svg>")
    unread = svg[: svg.rindex("</svg>")] + dot
    for name, text in (("tray", svg), ("tray-unread", unread)):
        for size, suffix in ((32, ""), (64, "@2x")):
            out = os.path.join(HERE, "icons", f"{name}{suffix}.png")
            subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o", out],
                           input=text.encode(), check=True)


if __name__ == "__main__":
    make_sound(os.path.join(HERE, "sounds", "attention.wav"))
    make_icons()
