pragma Singleton
import QtQuick

// Colours, sizes and fonts of every view. Light and dark palettes; "auto" follows the system
// palette (Qt 6.4 has no colour-scheme API, so the window colour's lightness decides).
// Sizes are in device-independent pixels and derive from the font, so they scale with HiDPI
// and with the user's font size.
QtObject {
    id: root

    // "auto", "light" or "dark".
    property string mode: "auto"
    readonly property SystemPalette systemPalette: SystemPalette {}
    readonly property bool dark: mode === "dark"
                                 || (mode === "auto" && systemPalette.window.hslLightness < 0.5)

    readonly property color window: dark ? "#1c1b1a" : "#f5f3ef"
    readonly property color surface: dark ? "#262523" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#302e2b" : "#ece8e1"
    readonly property color border: dark ? "#403d39" : "#d9d3c9"
    readonly property color text: dark ? "#ece9e4" : "#22201d"
    readonly property color textMuted: dark ? "#a9a49c" : "#6b655d"
    // Hearth's ember.
    readonly property color accent: dark ? "#f08a4b" : "#b9531c"
    readonly property color accentSoft: dark ? "#3d2b20" : "#fbeadf"
    readonly property color textOnAccent: "#ffffff"
    readonly property color online: dark ? "#4cc764" : "#2f9e44"
    readonly property color offline: dark ? "#6d6861" : "#b3ada4"
    readonly property color danger: dark ? "#ff7b72" : "#c62828"
    readonly property color dangerSoft: dark ? "#4a2422" : "#fde7e6"
    readonly property color warning: dark ? "#e3b341" : "#9a6700"
    readonly property color warningSoft: dark ? "#3f3520" : "#fff4d6"
    readonly property color selfRow: dark ? "#3a2e25" : "#fdf1e7"
    readonly property color system: dark ? "#9c978f" : "#736d64"

    readonly property FontMetrics metrics: FontMetrics {}
    // The base unit: one line of body text.
    readonly property real unit: metrics.height
    readonly property real spacing: Math.round(unit * 0.5)
    readonly property real padding: Math.round(unit * 0.75)
    readonly property real radius: Math.round(unit * 0.35)
    readonly property string monoFamily: "monospace"
}
