#include "session.h"

Session::Session(ClientConnection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    m_connection->setParent(this);
}

Session::~Session() = default;

void Session::send(const QByteArray &utf8Json)
{
    if (!m_gone)
        m_connection->sendText(utf8Json);
}

void Session::sendShared(const SharedMessage &message)
{
    if (!m_gone)
        m_connection->sendShared(message);
}

void Session::close(quint16 code, const QString &reason)
{
    if (m_gone)
        return;
    m_gone = true;
    m_connection->close(code, reason);
}
