// Desktop notifications on Linux: the freedesktop Desktop Notifications protocol
// (https://specifications.freedesktop.org/notification-spec/) on the session bus.

#include "desktopnotifier.h"

#include <QtCore/QVariantMap>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusInterface>
#include <QtDBus/QDBusMessage>
#include <QtDBus/QDBusPendingCallWatcher>
#include <QtDBus/QDBusPendingReply>

Q_LOGGING_CATEGORY(lcNotify, "hearth.app.notify")

using namespace Qt::StringLiterals;

namespace {

const QString Service = u"org.freedesktop.Notifications"_s;
const QString Path = u"/org/freedesktop/Notifications"_s;
const QString Interface = u"org.freedesktop.Notifications"_s;

#ifndef HEARTH_APP_ID
#define HEARTH_APP_ID "org.example.Hearth"
#endif

} // namespace

struct DesktopNotifier::Private {
    // The id of the last notification shown: the next one replaces it.
    uint lastId = 0;
    // Ids of this app's notifications (ActionInvoked is broadcast to every client).
    QList<uint> ids;
    bool listening = false;
    // Whether the daemon reads bodies as markup; asked once, assumed (most do) until answered.
    bool markup = true;
    bool askedCapabilities = false;
};

DesktopNotifier::DesktopNotifier(QObject *parent)
    : QObject(parent)
    , d(new Private)
{}

DesktopNotifier::~DesktopNotifier()
{
    delete d;
}

bool DesktopNotifier::notify(const QString &summary, const QString &body)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        qCInfo(lcNotify) << "no session bus: no desktop notification";
        return false;
    }
    if (!d->listening) {
        // A click on the notification ("default" action) brings the window up.
        d->listening = bus.connect(Service, Path, Interface, u"ActionInvoked"_s, this,
                                   SLOT(onActionInvoked(uint, QString)));
    }
    if (!d->askedCapabilities) {
        d->askedCapabilities = true;
        const QDBusMessage ask =
            QDBusMessage::createMethodCall(Service, Path, Interface, u"GetCapabilities"_s);
        auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(ask), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this,
                [this](QDBusPendingCallWatcher *w) {
                    const QDBusPendingReply<QStringList> reply = *w;
                    if (reply.isValid())
                        d->markup = reply.value().contains(u"body-markup"_s);
                    w->deleteLater();
                });
    }

    // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Interface, u"Notify"_s);
    const QVariantMap hints{
        {u"desktop-entry"_s, QStringLiteral(HEARTH_APP_ID)},
        {u"category"_s, u"im.received"_s},
        {u"urgency"_s, QVariant::fromValue(uchar(1))}, // normal
    };
    call << u"Hearth"_s << d->lastId << QStringLiteral(HEARTH_APP_ID) << summary
         << (d->markup ? body.toHtmlEscaped() : body)
         << QStringList{u"default"_s, tr("Open Hearth")} << hints << -1;
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<uint> reply = *w;
        if (reply.isError()) {
            qCInfo(lcNotify).noquote()
                << "the notification was not shown:" << reply.error().message();
        } else {
            d->lastId = reply.value();
            if (!d->ids.contains(d->lastId))
                d->ids.append(d->lastId);
            Q_EMIT delivered(reply.value());
        }
        w->deleteLater();
    });
    return true;
}

bool DesktopNotifier::trayAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    const QString watcher = u"org.kde.StatusNotifierWatcher"_s;
    if (!bus.isConnected() || !bus.interface()->isServiceRegistered(watcher))
        return false;
    QDBusInterface iface(watcher, u"/StatusNotifierWatcher"_s, watcher, bus);
    return iface.property("IsStatusNotifierHostRegistered").toBool();
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    if (action == u"default"_s && d->ids.contains(id))
        Q_EMIT activated();
}
