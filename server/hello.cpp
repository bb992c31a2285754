// hello and ping: who a connection speaks for (its identity), and that it is still there.
#include "roomserver_p.h"

#include "eventbuilder.h"
#include "protocol/jsonwrite.h"
#include "protocol/identity.h"

#include <QtCore/QJsonArray>

void RoomServerPrivate::opHello(Session *s, qint64 id, const QJsonObject &req)
{
    if (s->helloDone) {
        badRequest(s, id, QStringLiteral("This connection already said hello."));
        return;
    }
    const QJsonValue version = req.value(QLatin1String("version"));
    if (!version.isDouble()) {
        badRequest(s, id, QStringLiteral("\"version\" must be a number."));
        return;
    }
    if (version.toDouble() != Protocol::Version) {
        refuse(s, id, ErrorCode::UnsupportedVersion,
               QStringLiteral("This server speaks protocol version %1.").arg(Protocol::Version),
               {{QLatin1String("supported"), QJsonArray{Protocol::Version}}});
        return;
    }
    const QJsonObject identity = req.value(QLatin1String("identity")).toObject();
    const QString identityId = identity.value(QLatin1String("id")).toString();
    const QString secret = identity.value(QLatin1String("secret")).toString();
    if (!IdentityRules::isWellFormedId(identityId) || !IdentityRules::isWellFormedSecret(secret)) {
        badRequest(s, id,
                   QStringLiteral("\"identity\" needs an \"id\" (16-64 characters of A-Z a-z "
                                  "0-9 _ -) and a \"secret\" (32-128 of the same)."));
        return;
    }
    const QString pid = IdentityRules::participantIdFor(identityId);
    const QByteArray hash = IdentityRules::secretHash(secret);
    const auto known = identities.constFind(pid);
    if (known != identities.constEnd() && *known != hash) {
        qCWarning(lcServer) << "hello with a wrong secret for" << pid << "from" << s->peerAddress;
        refuse(s, id, ErrorCode::IdentityRejected,
               QStringLiteral("This identity belongs to somebody else."));
        return;
    }
    if (Session *old = sessionByParticipant.value(pid); old && old != s)
        old->close(Protocol::CloseReplaced, QStringLiteral("replaced by a newer connection"));
    s->helloDone = true;
    s->participantId = pid;
    sessionByParticipant.insert(pid, s);
    // Every hello gets the same limits, server and version: written once, around the id.
    if (helloLimitsJson.isEmpty())
        helloLimitsJson = QJsonDocument(config.limits.toJson()).toJson(QJsonDocument::Compact);
    QByteArray result = "{\"limits\":" + helloLimitsJson + ",\"participant\":";
    JsonWrite::string(result, pid);
    result += ",\"server\":\"hearth/" HEARTH_VERSION "\",\"version\":" +
              QByteArray::number(Protocol::Version) + '}';
    const QByteArray answer = Frames::resultRaw(id, result);
    if (known != identities.constEnd()) {
        s->consecutiveRefusals = 0;
        s->send(answer);
        return;
    }
    identities.insert(pid, hash);
    const StoredIdentity stored{pid, hash, nowMs()};
    commits->submit([stored](Storage &st) { return st.saveIdentity(stored); },
                    [answer, session = QPointer<Session>(s)](bool) {
                        if (session)
                            session->send(answer);
                    });
}

void RoomServerPrivate::opPing(Session *s, qint64 id, const QJsonObject &)
{
    reply(s, id, {{QLatin1String("ts"), nowMs()}});
}
