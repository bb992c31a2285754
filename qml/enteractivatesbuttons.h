#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtQml/qqmlregistration.h>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

// Enter and Return press the focused push button, as Space does. Qt Quick Controls buttons
// answer Space only, so a keyboard user who tabs to "Join" and presses Enter gets nothing.
// One of these in the window (Main.qml) covers every button, in dialogs and popups too; the
// key goes to the button as a Space press and release, so the button shows itself pressed and
// emits pressed, released and clicked just as for Space. Checkable controls (check boxes,
// switches) keep Space only.
class EnterActivatesButtons : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickWindow *window READ window WRITE setWindow NOTIFY windowChanged)

public:
    explicit EnterActivatesButtons(QObject *parent = nullptr);

    QQuickWindow *window() const { return m_window; }
    void setWindow(QQuickWindow *window);

Q_SIGNALS:
    void windowChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<QQuickWindow> m_window;
    QPointer<QQuickItem> m_pressed; // the button Enter went down on
};
