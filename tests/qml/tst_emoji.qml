import QtQuick
import QtQuick.Controls
import QtTest
import Hearth

// Emoji in the chat come out in colour where a colour emoji font is installed (the .deb
// recommends fonts-noto-color-emoji): fontconfig's fallback picks it for emoji in the font the
// chat's labels use. Rendered in a window of its own and looked at pixel by pixel: a colour font
// paints saturated pixels, a monochrome fallback (or an empty box) only greys.
TestCase {
    id: testCase
    name: "Emoji"
    when: windowShown

    Component {
        id: windowComponent
        Window {
            property alias label: label
            width: 300
            height: 100
            visible: true
            color: "white"
            Label {
                id: label
                text: "🎲👍"
                textFormat: Text.PlainText
                color: "black"
                font.pixelSize: 48
            }
        }
    }

    function saturatedPixels(image) {
        let count = 0;
        for (let x = 0; x < image.width; x += 2) {
            for (let y = 0; y < image.height; y += 2) {
                const c = image.pixel(x, y);
                if (Math.max(c.r, c.g, c.b) - Math.min(c.r, c.g, c.b) > 0.3)
                    ++count;
            }
        }
        return count;
    }

    function test_emojiAreInColour() {
        if (Qt.fontFamilies().indexOf("Noto Color Emoji") < 0)
            skip("fonts-noto-color-emoji is not installed");
        const win = createTemporaryObject(windowComponent, null);
        verify(win);
        waitForRendering(win.contentItem);
        const emoji = saturatedPixels(grabImage(win.contentItem));
        verify(emoji > 20, "saturated pixels: " + emoji);
        // The same label with plain letters: no colour at all (the measure is sound).
        win.label.text = "Ana";
        waitForRendering(win.contentItem);
        compare(saturatedPixels(grabImage(win.contentItem)), 0);
    }
}
