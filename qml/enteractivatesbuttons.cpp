#include "enteractivatesbuttons.h"

#include <QtCore/QCoreApplication>
#include <QtGui/QKeyEvent>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <utility>

EnterActivatesButtons::EnterActivatesButtons(QObject *parent)
    : QObject(parent)
{}

void EnterActivatesButtons::setWindow(QQuickWindow *window)
{
    if (m_window == window)
        return;
    if (m_window)
        m_window->removeEventFilter(this);
    m_window = window;
    if (m_window)
        m_window->installEventFilter(this);
    Q_EMIT windowChanged();
}

bool EnterActivatesButtons::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window ||
        (event->type() != QEvent::KeyPress && event->type() != QEvent::KeyRelease))
        return false;
    const auto *key = static_cast<QKeyEvent *>(event);
    if ((key->key() != Qt::Key_Return && key->key() != Qt::Key_Enter) ||
        (key->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier)
        return false;
    QQuickItem *item = m_window->activeFocusItem();
    if (event->type() == QEvent::KeyRelease) {
        // Only the release of a press given to a button: a press that opened a menu (or
        // moved the focus) must not click whatever has the focus now.
        if (!m_pressed)
            return false;
        QPointer<QQuickItem> pressed = std::exchange(m_pressed, nullptr);
        if (pressed && pressed == item && !key->isAutoRepeat()) {
            QKeyEvent space(QEvent::KeyRelease, Qt::Key_Space, Qt::NoModifier, QStringLiteral(" "));
            QCoreApplication::sendEvent(item, &space);
        }
        return true;
    }
    // The controls' C++ classes are private; their class names are stable.
    if (!item || !item->isEnabled() || !item->inherits("QQuickAbstractButton") ||
        item->property("checkable").toBool())
        return false;
    if (key->isAutoRepeat())
        return true;
    m_pressed = item;
    QKeyEvent space(QEvent::KeyPress, Qt::Key_Space, Qt::NoModifier, QStringLiteral(" "));
    QCoreApplication::sendEvent(item, &space);
    return true;
}
