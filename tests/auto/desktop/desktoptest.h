#pragma once

// Small helpers shared by the desktop tests.

#include "client/roomclient.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>
#include <optional>

// Points the user's config and data directories at a temporary directory for the lifetime of
// the object, so that settings, identity files and the embedded server's database of one test
// never meet another's (or the developer's).
class IsolatedHome
{
public:
    IsolatedHome()
    {
        m_oldConfig = qgetenv("XDG_CONFIG_HOME");
        m_oldData = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
    }
    ~IsolatedHome()
    {
        qputenv("XDG_CONFIG_HOME", m_oldConfig);
        qputenv("XDG_DATA_HOME", m_oldData);
    }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    QByteArray m_oldConfig;
    QByteArray m_oldData;
};

// Catches the one callback of a RoomClient request.
template <typename T> struct Caught {
    std::optional<Client::Result<T>> result;
    int calls = 0;

    RoomClient::Callback<T> callback()
    {
        return [this](const Client::Result<T> &r) {
            result = r;
            ++calls;
        };
    }
    bool done() const { return result.has_value(); }
    bool ok() const { return result && result->ok(); }
    const T &value() const { return *result->value; }
    ErrorCode code() const { return result->error.code(); }
};

// A client that has said hello to `url` (nullptr on failure).
inline std::unique_ptr<RoomClient> readyClient(const QUrl &url,
                                               const Identity &identity = Identity::generate())
{
    auto client = std::make_unique<RoomClient>();
    client->setIdentity(identity);
    QSignalSpy ready(client.get(), &RoomClient::ready);
    client->open(url);
    if (!ready.wait(5000))
        return nullptr;
    return client;
}

// A room `client` creates as its host ("Ana" unless `args` names someone else), once the server
// has answered; nullopt when it refused or did not answer.
inline std::optional<RoomSnapshot> createRoom(RoomClient *client, Client::CreateRoomArgs args)
{
    if (args.displayName.isEmpty())
        args.displayName = QStringLiteral("Ana");
    Caught<RoomSnapshot> created;
    client->createRoom(args, client, created.callback());
    if (!QTest::qWaitFor([&] { return created.done(); }, 5000) || !created.ok())
        return std::nullopt;
    return created.value();
}
