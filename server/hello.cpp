// hello and ping: who a connection speaks for (its identity), and that it is still there.
#include "roomserver_p.h"

#include "protocol/identity.h"
#include "protocol/protocol.h"
#include "protocol/replies.h"

#include <QtCore/QJsonDocument>

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::Hello &r)
{
    if (s->helloDone) {
        badRequest(s, id, QStringLiteral("This connection already said hello."));
        return;
    }
    if (r.version != Protocol::Version) {
        ProtocolError unsupported{
            ErrorCode::UnsupportedVersion,
            QStringLiteral("This server speaks protocol version %1.").arg(Protocol::Version)};
        unsupported.supported = {Protocol::Version};
        refuse(s, id, unsupported);
        return;
    }
    const QString &identityId = r.identityId;
    const QString &secret = r.identitySecret;
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
    const QByteArray answer = Reply::success(id, HelloResult::json(helloLimitsJson, pid));
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

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::Ping &)
{
    reply(s, id, PingResult{nowMs()}.json());
}
