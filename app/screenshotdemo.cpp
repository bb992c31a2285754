#include "screenshotdemo.h"

#include "appcontroller.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QTimer>
#include <QtGui/QImage>
#include <QtGui/QKeyEvent>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace Client;

namespace {
constexpr int TickMs = 50;
constexpr int DemoTimeoutMs = 60000;
} // namespace

ScreenshotDemo::ScreenshotDemo(AppController *app, QQuickWindow *window, QString dir,
                               QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_window(window)
    , m_dir(std::move(dir))
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(TickMs);
    connect(m_timer, &QTimer::timeout, this, &ScreenshotDemo::tick);
}

ScreenshotDemo::~ScreenshotDemo() = default;

void ScreenshotDemo::add(const char *what, std::function<bool()> step)
{
    m_steps.append({what, std::move(step)});
}

void ScreenshotDemo::wait(int ms)
{
    add("pause", [this, ms] { return m_stepClock.elapsed() >= ms; });
}

RoomClient *ScreenshotDemo::guest(const QString &name) const
{
    for (const auto &[guestName, client] : m_guests) {
        if (guestName == name)
            return client;
    }
    return nullptr;
}

int ScreenshotDemo::messageCount() const
{
    return m_app->session() ? m_app->session()->messages()->rowCount() : 0;
}

bool ScreenshotDemo::grab(const QString &fileName)
{
    const QImage image = m_window->grabWindow();
    const QString path = QDir(m_dir).filePath(fileName);
    if (image.isNull() || !image.save(path)) {
        std::fprintf(stderr, "hearth: could not save %s\n", qPrintable(path));
        return false;
    }
    std::printf("hearth: saved %s (%dx%d)\n", qPrintable(path), image.width(), image.height());
    std::fflush(stdout);
    return true;
}

void ScreenshotDemo::start()
{
    QDir().mkpath(m_dir);
    m_window->resize(1180, 760);

    add("identity and first frame", [this] {
        if (!m_app->isIdentityReady() || !m_window->isExposed())
            return false;
        m_app->setDisplayName(u"Ana"_s);
        return true;
    });
    add("fill in the lobby", [this] {
        // What a person would have typed: a room name, a host, and most of a code (typed as
        // keys, so the live normalization and its hint show).
        QObject *lobby = m_window; // QML children hang off the window, not its contentItem
        if (auto *field = lobby->findChild<QObject *>(u"roomNameField"_s))
            field->setProperty("text", u"Game night"_s);
        if (auto *field = lobby->findChild<QObject *>(u"hostField"_s))
            field->setProperty("text", u"192.168.1.20"_s);
        auto *code = lobby->findChild<QQuickItem *>(u"codeField"_s);
        if (!code)
            return true;
        code->forceActiveFocus();
        for (const QChar c : u"xj9-k2"_s) {
            QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
            QKeyEvent release(QEvent::KeyRelease, 0, Qt::NoModifier, QString(c));
            QCoreApplication::sendEvent(m_window, &press);
            QCoreApplication::sendEvent(m_window, &release);
        }
        return true;
    });
    wait(600);
    add("lobby.png", [this] { return grab(u"lobby.png"_s); });
    add("host", [this] {
        m_app->hostRoom(u"Game night"_s, 8, {{u"spectators"_s, true}});
        return true;
    });
    add("room shown", [this] {
        if (m_app->phase() == AppController::Phase::Lobby && !m_app->errorText().isEmpty()) {
            std::fprintf(stderr, "hearth: demo could not host: %s\n",
                         qPrintable(m_app->errorText()));
            Q_EMIT finished(false);
            m_timer->stop();
            return false;
        }
        if (m_app->phase() != AppController::Phase::Room || !m_app->session())
            return false;
        m_code = m_app->session()->code();
        return true;
    });
    // Guests: ordinary protocol clients of the embedded server, joining one after the other so
    // that the list shows them in a stable order.
    const QList<std::pair<QString, Role>> guests = {{u"Ben"_s, Role::Member},
                                                    {u"Chloé"_s, Role::Member},
                                                    {u"Dev"_s, Role::Member},
                                                    {u"Emma"_s, Role::Spectator}};
    for (const auto &[name, role] : guests) {
        add("guest connects", [this, name = name] {
            auto *client = new RoomClient(this);
            client->setIdentity(Identity::generate());
            client->open(QUrl(u"ws://127.0.0.1:%1/"_s.arg(m_app->serverPort())));
            m_guests.append({name, client});
            return true;
        });
        add("guest joins", [this, name = name, role = role] {
            RoomClient *client = guest(name);
            if (client->state() != RoomClient::State::Connected)
                return false;
            client->joinRoom(JoinRoomArgs{m_code, name, role, {}}, this, {});
            return true;
        });
        add("guest joined",
            [this, name = name] { return guest(name)->state() == RoomClient::State::Joined; });
    }
    const QList<std::pair<QString, QString>> chat = {
        {u"Ben"_s, u"Evening all! Who is bringing snacks?"_s},
        {u"Ana"_s, u"I have crisps and lemonade. We start at eight."_s},
        {u"Chloé"_s, u"On my way, five minutes."_s},
        {u"Dev"_s, u"Can we play Codenames first?\nThen something longer, maybe Catan."_s},
        {u"Ben"_s, u"Codenames works for me 🎲👍"_s},
        {u"Ben"_s, u"Teams: Ana and me against Chloé and Dev?"_s},
        {u"Emma"_s, u"I'll just watch tonight <3"_s},
        {u"Ana"_s, u"Deal. Everyone press Ready when you are set."_s},
    };
    for (const auto &[author, text] : chat) {
        add("chat", [this, author = author, text = text] {
            const int before = messageCount();
            if (author == "Ana"_L1)
                m_app->session()->sendChat(text);
            else
                guest(author)->sendChat(m_code, text, this, {});
            // Wait for the row, so the order on screen is the order of this script.
            m_steps.insert(m_current + 1,
                           {"chat shown", [this, before] { return messageCount() > before; }});
            return true;
        });
    }
    add("status", [this] {
        const auto set = [this](const QString &name, quint8 mask, quint8 values) {
            guest(name)->setStatus(m_code, StatusFlags::Update{mask, values}, this, {});
        };
        set(u"Ben"_s, StatusFlags::Ready, StatusFlags::Ready);
        set(u"Chloé"_s, StatusFlags::Ready | StatusFlags::Camera,
            StatusFlags::Ready | StatusFlags::Camera);
        set(u"Dev"_s, StatusFlags::Muted, StatusFlags::Muted);
        set(u"Emma"_s, StatusFlags::Away, StatusFlags::Away);
        m_app->session()->setStatusFlag(u"ready"_s, true);
        m_app->session()->startSession();
        return true;
    });
    add("session started", [this] {
        return m_app->session()->room()->state() == RoomState::Active &&
               m_app->session()->isReady();
    });
    wait(800);
    add("room.png", [this] { return grab(u"room.png"_s); });
    add("dark", [this] {
        m_window->setProperty("themeMode", u"dark"_s);
        return true;
    });
    wait(500);
    add("room-dark.png", [this] { return grab(u"room-dark.png"_s); });
    add("done", [this] {
        m_timer->stop();
        for (const auto &entry : std::as_const(m_guests))
            entry.second->close();
        Q_EMIT finished(true);
        return true;
    });

    m_total.start();
    m_stepClock.start();
    m_timer->start();
}

void ScreenshotDemo::tick()
{
    if (m_total.elapsed() > DemoTimeoutMs) {
        std::fprintf(stderr, "hearth: screenshot demo stuck at step \"%s\"\n",
                     m_current < m_steps.size() ? m_steps.at(m_current).first : "?");
        m_timer->stop();
        Q_EMIT finished(false);
        return;
    }
    // Several quick steps per tick; a step that waits returns false and ends the tick.
    while (m_current < m_steps.size() && m_timer->isActive()) {
        const auto step = m_steps.at(m_current).second; // a copy: steps may insert steps
        if (!step())
            return;
        ++m_current;
        m_stepClock.restart();
    }
}
