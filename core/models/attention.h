#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>

class RoomSession;

// Decides when the desktop app calls for your attention while its window is not in front, and
// nothing else: fed with chat messages, join requests and whether the window is active, it keeps
// the unread count and asks for an alert, a notification and a sound. The effects themselves
// (QWindow::alert, the desktop notification, the sound, the tray) live in the view layer
// (qml/attentioneffects.h, qml/AttentionTray.qml), which listens to the signals below; so
// this class is tested without a window.
//
// The rules:
// - Chat messages by others count as unread while the window is not active; your own messages
//   and system lines (joined, left, presence) never do. The count clears when the window
//   becomes active, and when you leave the room.
// - A join request (you host a room that asks you first) and a message that mentions your name
//   (the whole name as a word, any case, not inside another word) ask for an alert, a
//   notification and a sound, each only while the window is not active and only if enabled.
// - Sounds are at most one per SoundGapMs: a burst of mentions plays once.
class Attention : public QObject
{
    Q_OBJECT
    // Set by the window (its `active`); while false, chat counts and calls for attention.
    Q_PROPERTY(
        bool windowActive READ isWindowActive WRITE setWindowActive NOTIFY windowActiveChanged)
    // Chat messages by others since the window was last active.
    Q_PROPERTY(int unread READ unread NOTIFY unreadChanged)
    // "(3) " while there are unread messages and the title count is on; else empty. The window
    // puts it in front of its title: "(3) Game night — Hearth".
    Q_PROPERTY(QString titlePrefix READ titlePrefix NOTIFY unreadChanged)
    // The name of the room followed (for notification texts and the tray's tooltip).
    Q_PROPERTY(QString roomName READ roomName NOTIFY roomChanged)
    // The settings, each remembered by the app (AppController keeps them in QSettings).
    Q_PROPERTY(bool titleCountEnabled READ isTitleCountEnabled WRITE setTitleCountEnabled NOTIFY
                   settingsChanged)
    Q_PROPERTY(bool alertEnabled READ isAlertEnabled WRITE setAlertEnabled NOTIFY settingsChanged)
    Q_PROPERTY(bool notificationsEnabled READ areNotificationsEnabled WRITE setNotificationsEnabled
                   NOTIFY settingsChanged)
    Q_PROPERTY(bool soundEnabled READ isSoundEnabled WRITE setSoundEnabled NOTIFY settingsChanged)
    Q_PROPERTY(bool trayEnabled READ isTrayEnabled WRITE setTrayEnabled NOTIFY settingsChanged)

public:
    // Milliseconds on a monotonic clock (tests pass their own).
    using Clock = std::function<qint64()>;
    static constexpr qint64 SoundGapMs = 3000;
    // Notification bodies longer than this are cut (with "…").
    static constexpr int MaxBodyLength = 200;

    explicit Attention(QObject *parent = nullptr);
    ~Attention() override;

    void setClock(Clock clock) { m_clock = std::move(clock); }

    // Follows the chat and the waiting list of `session` (null: none; the count clears). Your
    // name and the room's name are taken from it.
    void setSession(RoomSession *session);

    bool isWindowActive() const { return m_windowActive; }
    void setWindowActive(bool active);
    int unread() const { return m_unread; }
    QString titlePrefix() const;
    QString roomName() const { return m_roomName; }

    bool isTitleCountEnabled() const { return m_titleCount; }
    void setTitleCountEnabled(bool on);
    bool isAlertEnabled() const { return m_alert; }
    void setAlertEnabled(bool on);
    bool areNotificationsEnabled() const { return m_notifications; }
    void setNotificationsEnabled(bool on);
    bool isSoundEnabled() const { return m_sound; }
    void setSoundEnabled(bool on);
    bool isTrayEnabled() const { return m_tray; }
    void setTrayEnabled(bool on);

    // The events (setSession() feeds them; tests may call them directly).
    // A chat message: `own` when you wrote it. `selfName` is your display name in the room.
    void chatReceived(const QString &authorName, const QString &text, bool own,
                      const QString &selfName);
    // Someone asks to join your room (you host it and it requires approval).
    void joinRequested(const QString &name);
    void setRoomName(const QString &name);

    // `text` names `name` as a word: case-insensitive, not inside another word ("Ana," and
    // "@ana" do; "Banana" does not).
    static bool mentions(const QString &text, const QString &name);

Q_SIGNALS:
    void windowActiveChanged();
    void unreadChanged();
    void roomChanged();
    void settingsChanged();
    // Ask the window system to flag the window (QWindow::alert).
    void alertRequested();
    // Show a desktop notification; `summary` and `body` are plain text.
    void notificationRequested(const QString &summary, const QString &body);
    // Play the short attention sound.
    void soundRequested();

private:
    void callForAttention(const QString &summary, const QString &body);
    void setUnread(int count);
    void setFlag(bool &flag, bool on);

    QPointer<RoomSession> m_session;
    QList<QMetaObject::Connection> m_connections;
    Clock m_clock;
    bool m_windowActive = true;
    int m_unread = 0;
    QString m_roomName;
    qint64 m_lastSound = 0;
    bool m_soundPlayed = false;
    bool m_titleCount = true;
    bool m_alert = true;
    bool m_notifications = true;
    bool m_sound = true;
    bool m_tray = true;
};
