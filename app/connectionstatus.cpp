#include "connectionstatus.h"

#include "client/roomclient.h"

#include <QtCore/QCoreApplication>

namespace {

// The texts keep AppController's translation context: they were its own before.
QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("AppController", text, nullptr, n);
}

} // namespace

namespace ConnectionStatus {

QString lostText(const RoomClient &client)
{
    const int unsent = client.unsentMessages();
    const QString waiting =
        unsent > 0 ? u' ' + tr("%n message(s) will be sent when the connection is back.", unsent)
                   : QString();
    if (client.state() == RoomClient::State::Reconnecting) {
        const int attempt = qMax(1, client.reconnectAttempt());
        QString text = tr("Reconnecting… (attempt %1)").arg(attempt);
        if (attempt >= 4)
            text += u' ' + tr("The host may have stopped; Hearth keeps trying.");
        return text + waiting;
    }
    if (client.state() == RoomClient::State::Connecting)
        return tr("Reconnecting…") + waiting;
    const QString why = client.errorString();
    return why.isEmpty() ? tr("Not connected to the host.")
                         : tr("Not connected to the host: %1").arg(why);
}

} // namespace ConnectionStatus
