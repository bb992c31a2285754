#pragma once

#include <QtCore/QObject>
#include <QtQml/qqmlregistration.h>

// The system clipboard for the views (QML has no clipboard API of its own).
class Clipboard : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // What the clipboard holds as text (for tests and "copied" feedback).
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)

public:
    explicit Clipboard(QObject *parent = nullptr);

    QString text() const;
    void setText(const QString &text);

Q_SIGNALS:
    void textChanged();
};
