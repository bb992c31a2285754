// The chat as people use it, in real windows on a real display (Xvfb in CI): the host's app and
// a joiner's app, each its own Main.qml window with its own AppController, connection and
// models, plus thirty scripted guests (protocol clients). Keys and clicks go through the
// window system interface as a person's would; the server is the host's embedded one, with
// the normal rate limits.
//
// Phases, each checked in every window:
//   1. human pace: a line every second, typed into the two windows' composers, until the chat
//      has scrolled several screens;
//   2. a burst: 2,000 messages from thirty guests as fast as the server lets each of them;
//   3. scrolled up: the "N new messages" bar counts what arrives and one click reaches the
//      newest; your own message while scrolled up brings you down too; End does the same;
//   4. a late joiner: opens at the newest message.
// After each phase: the newest message is on screen, fully. With HEARTH_SCREENSHOT_DIR set,
// each phase's windows are saved there (docs/screenshots/chat-*.png).

#include "viewfixture.h"

#include "models/messagesmodel.h"
#include "models/roomsession.h"

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtTest/QtTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Qt::StringLiterals;

namespace {

constexpr int Guests = 30;
constexpr int BurstMessages = 2000;

// One person's app: the controller and its window.
struct Person {
    AppController *app = nullptr;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow *window = nullptr;

    QQuickItem *find(const char *name) const
    {
        return window->findChild<QQuickItem *>(QLatin1String(name));
    }
    QQuickItem *list() const { return find("messagesList"); }
    MessagesModel *messages() const { return app->session()->messages(); }
    int count() const { return messages()->rowCount(); }
    QString textAt(int row) const
    {
        return messages()->data(messages()->index(row), MessagesModel::TextRole).toString();
    }
};

} // namespace

class tst_ChatWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void humanPace();
    void burst();
    void scrolledUp();
    void lateJoiner();
    void cleanupTestCase();

private:
    std::unique_ptr<Person> open(const QString &name, QPoint at);
    void joinAs(Person &person);
    void typeLine(Person &person, const QString &text);
    // The mouse wheel, six notches up over the chat, a notch every 30 ms.
    void wheelUp(Person &person);
    // The first row at the top of the chat's view, and where it is on screen.
    std::pair<int, qreal> firstRowOnScreen(const Person &person) const;
    // The newest row is fully on screen in the person's chat.
    bool newestVisible(const Person &person, QString *why = nullptr) const;
    void verifyNewestVisible(const Person &person, const char *phase) const;
    void screenshot(const QString &phase) const;
    QList<Person *> people() const;

    QTemporaryDir m_home;
    ViewFixture *m_fixture = nullptr;
    std::unique_ptr<Person> m_host;
    std::unique_ptr<Person> m_joiner;
    std::unique_ptr<Person> m_late;
    QStringList m_guests;
};

std::unique_ptr<Person> tst_ChatWindows::open(const QString &name, QPoint at)
{
    auto person = std::make_unique<Person>();
    person->app = m_fixture->newController(name);
    if (!QTest::qWaitFor([&] { return person->app->phase() == AppController::Phase::Lobby; }, 10000))
        return nullptr;
    person->engine = std::make_unique<QQmlApplicationEngine>();
    person->engine->addImportPath(u"qrc:/"_s);
    person->engine->setInitialProperties(
        {{u"app"_s, QVariant::fromValue(person->app)}, {u"themeMode"_s, u"light"_s}});
    person->engine->load(QUrl(u"qrc:/Hearth/Main.qml"_s));
    if (person->engine->rootObjects().isEmpty())
        return nullptr;
    person->window = qobject_cast<QQuickWindow *>(person->engine->rootObjects().constFirst());
    if (!person->window)
        return nullptr;
    person->window->setPosition(at);
    person->window->requestActivate();
    if (!QTest::qWaitForWindowExposed(person->window))
        return nullptr;
    return person;
}

void tst_ChatWindows::initTestCase()
{
    if (QGuiApplication::platformName() == "offscreen"_L1 || qgetenv("DISPLAY").isEmpty())
        QSKIP("needs a display (CI runs the tests under xvfb-run)");
    QQuickStyle::setStyle(u"Fusion"_s);
    // Settings, databases and exports of this test go to a throwaway place.
    QVERIFY(m_home.isValid());
    qputenv("XDG_CONFIG_HOME", m_home.filePath(u"config"_s).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_home.filePath(u"data"_s).toLocal8Bit());
    qputenv("HEARTH_EXPORT_DIR", m_home.filePath(u"exports"_s).toLocal8Bit());
    m_fixture = new ViewFixture(this);

    m_host = open(u"Ana"_s, {0, 0});
    QVERIFY(m_host);
    m_host->app->hostRoom(u"Game night"_s, 50, {});
    QTRY_COMPARE_WITH_TIMEOUT(m_host->app->phase(), AppController::Phase::Room, 15000);
    QTRY_VERIFY(m_host->list());

    m_joiner = open(u"Ben"_s, {640, 0});
    QVERIFY(m_joiner);
    joinAs(*m_joiner);

    for (int i = 0; i < Guests; ++i) {
        m_guests.append(u"Guest %1"_s.arg(i + 1, 2, 10, QLatin1Char('0')));
        m_fixture->addGuest(m_host->app, m_guests.last());
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_fixture->guestJoined(m_guests.last()), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_joiner->app->session()->room()->seats(), Guests + 2, 10000);
}

void tst_ChatWindows::joinAs(Person &person)
{
    person.app->joinRoom(u"127.0.0.1:%1"_s.arg(m_host->app->serverPort()),
                         m_host->app->session()->code(), false, {});
    QTRY_COMPARE_WITH_TIMEOUT(person.app->phase(), AppController::Phase::Room, 15000);
    QTRY_VERIFY(person.list());
}

QList<Person *> tst_ChatWindows::people() const
{
    QList<Person *> all{m_host.get(), m_joiner.get()};
    if (m_late)
        all.append(m_late.get());
    return all;
}

void tst_ChatWindows::typeLine(Person &person, const QString &text)
{
    QQuickItem *input = person.find("composerInput");
    QVERIFY(input);
    // As a person would: bring the window to the front and click into the field.
    if (!person.window->isActive()) {
        person.window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(person.window));
    }
    if (!input->hasActiveFocus()) {
        const QPointF centre = input->mapToScene({input->width() / 2, input->height() / 2});
        QTest::mouseClick(person.window, Qt::LeftButton, {}, centre.toPoint());
        QTRY_VERIFY(input->hasActiveFocus());
    }
    for (const QChar c : text) // key by key, as typed
        QTest::keyClick(person.window, c.toLatin1(), Qt::NoModifier, 2);
    QTest::keyClick(person.window, Qt::Key_Return);
    QCOMPARE(input->property("text").toString(), QString());
}

std::pair<int, qreal> tst_ChatWindows::firstRowOnScreen(const Person &person) const
{
    QQuickItem *list = person.list();
    const qreal top = list->property("contentY").toReal();
    int row = -1;
    QMetaObject::invokeMethod(list, "indexAt", Q_RETURN_ARG(int, row), Q_ARG(qreal, list->width() / 2),
                              Q_ARG(qreal, top + 4));
    QQuickItem *item = nullptr;
    QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, item), Q_ARG(int, row));
    return {row, item ? item->y() - top : -1};
}

void tst_ChatWindows::wheelUp(Person &person)
{
    QQuickItem *list = person.list();
    const QPoint over = list->mapToScene({list->width() / 2, list->height() / 2}).toPoint();
    static ulong timestamp = 1000;
    for (int notch = 0; notch < 6; ++notch) {
        QWheelEvent wheel(over, person.window->mapToGlobal(over), {}, {0, 120}, Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        timestamp += 30;
        wheel.setTimestamp(timestamp);
        QGuiApplication::sendEvent(person.window, &wheel);
        QTest::qWait(30);
    }
}

bool tst_ChatWindows::newestVisible(const Person &person, QString *why) const
{
    QQuickItem *list = person.list();
    const int count = person.count();
    if (!list || count == 0)
        return false;
    QQuickItem *item = nullptr;
    QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, item),
                              Q_ARG(int, count - 1));
    const qreal top = list->property("contentY").toReal();
    const qreal bottom = top + list->height();
    if (!item || !item->isVisible()) {
        if (why)
            *why = u"row %1 of %2 has no item on screen (contentY %3)"_s.arg(count - 1).arg(count).arg(top);
        return false;
    }
    // Fully on screen, to the pixel: a person reads it whole.
    const bool shown = item->y() >= top - 0.5 && item->y() + item->height() <= bottom + 0.5;
    if (!shown && why)
        *why = u"row %1 spans %2–%3, the view shows %4–%5"_s.arg(count - 1)
                   .arg(item->y())
                   .arg(item->y() + item->height())
                   .arg(top)
                   .arg(bottom);
    return shown;
}

void tst_ChatWindows::verifyNewestVisible(const Person &person, const char *phase) const
{
    QString why;
    if (!QTest::qWaitFor([&] { return newestVisible(person, &why); }, 3000))
        QFAIL(qPrintable(u"%1, %2's window: %3"_s.arg(QLatin1String(phase),
                                                      person.app->displayName(), why)));
    QVERIFY2(!person.find("newestBar")->isVisible(),
             qPrintable(u"%1: the new-messages bar shows at the bottom"_s.arg(QLatin1String(phase))));
}

void tst_ChatWindows::screenshot(const QString &phase) const
{
    const QString dir = qEnvironmentVariable("HEARTH_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    for (const Person *person : people()) {
        const QImage image = person->window->grabWindow();
        QVERIFY(image.save(QDir(dir).filePath(
            u"chat-%1-%2.png"_s.arg(phase, person->app->displayName().toLower()))));
    }
}

void tst_ChatWindows::humanPace()
{
    // A line a second, alternating between the two windows, some long enough to wrap, until
    // the chat is several screens tall; the newest line is on screen after each one.
    const QStringList words{u"pizza"_s,  u"dice"_s, u"round"_s, u"ready"_s, u"snacks"_s,
                            u"rules"_s,  u"turn"_s, u"score"_s, u"again"_s, u"winner"_s};
    int line = 0;
    const qreal screens = 3;
    const qreal startY = m_host->list()->property("contentY").toReal();
    while (line < 10 || m_host->list()->property("contentY").toReal() - startY <
                            screens * m_host->list()->height()) {
        QVERIFY2(line < 150, "the chat never scrolled three screens");
        Person &who = line % 2 == 0 ? *m_host : *m_joiner;
        QString text = u"line %1: %2"_s.arg(line + 1).arg(words.at(line % words.size()));
        if (line % 5 == 4) // now and then someone writes a paragraph
            text += u" - "_s + words.join(u' ').repeated(4);
        typeLine(who, text);
        for (Person *person : people()) {
            QTRY_COMPARE_WITH_TIMEOUT(person->textAt(person->count() - 1), text, 5000);
            verifyNewestVisible(*person, "human pace");
        }
        if (line % 3 == 2) { // a guest answers in between
            m_fixture->guestSay(m_guests.at(line % Guests), u"guest says %1"_s.arg(line + 1));
        }
        QTest::qWait(1000); // the pace of a person typing
        ++line;
    }
    for (Person *person : people())
        verifyNewestVisible(*person, "human pace, end");
    screenshot(u"1-human-pace"_s);
}

void tst_ChatWindows::burst()
{
    // Every guest at its allowed rate (the server's 5 a second per connection), together
    // ~150 messages a second.
    const int before = m_host->count();
    int sent = 0;
    QTimer pacer;
    pacer.setInterval(210);
    connect(&pacer, &QTimer::timeout, this, [&] {
        for (const QString &guest : std::as_const(m_guests)) {
            if (sent >= BurstMessages)
                break;
            m_fixture->guestSay(guest, u"burst %1 from %2"_s.arg(++sent).arg(guest));
        }
        if (sent >= BurstMessages)
            pacer.stop();
    });
    pacer.start();
    // While it pours in, each window stays at the bottom (sampled).
    int samples = 0;
    while (pacer.isActive() || m_host->count() < before + BurstMessages ||
           m_joiner->count() < before + BurstMessages) {
        QVERIFY2(samples < 600, "the burst did not arrive within a minute");
        QTest::qWait(100);
        if (++samples % 10 == 0) {
            for (Person *person : people()) {
                QVERIFY2(!person->find("newestBar")->isVisible(),
                         "the view stopped following during the burst");
            }
        }
    }
    for (Person *person : people()) {
        QCOMPARE(person->textAt(person->count() - 1),
                 u"burst %1 from %2"_s.arg(BurstMessages).arg(m_guests.at((BurstMessages - 1) % Guests)));
        verifyNewestVisible(*person, "burst");
    }
    screenshot(u"2-burst"_s);
}

void tst_ChatWindows::scrolledUp()
{
    Person &reader = *m_joiner;
    QQuickItem *list = reader.list();
    QQuickItem *bar = reader.find("newestBar");
    wheelUp(reader);
    QTRY_VERIFY(!newestVisible(reader));
    QTRY_VERIFY(bar->isVisible());
    QTRY_VERIFY(!list->property("moving").toBool());
    const auto [readingRow, readingOffset] = firstRowOnScreen(reader);
    QVERIFY(readingRow >= 0);

    // Ten new messages: counted on the bar; the reader's view does not move; the host's
    // window follows them.
    for (int i = 1; i <= 10; ++i)
        m_fixture->guestSay(m_guests.at(i), u"while you were up %1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(reader.textAt(reader.count() - 1), u"while you were up 10"_s, 10000);
    QTRY_COMPARE(bar->property("text").toString(), u"10 new messages ↓"_s);
    // What the reader reads has not moved on screen.
    const auto [rowNow, offsetNow] = firstRowOnScreen(reader);
    QCOMPARE(rowNow, readingRow);
    QVERIFY2(qAbs(offsetNow - readingOffset) < 1.0,
             qPrintable(u"the row moved from %1 to %2"_s.arg(readingOffset).arg(offsetNow)));
    verifyNewestVisible(*m_host, "scrolled up (the host)");
    screenshot(u"3-scrolled-up"_s);

    // One click on the bar: the newest message, and following again.
    const QPoint onBar = bar->mapToScene({bar->width() / 2, bar->height() / 2}).toPoint();
    QTest::mouseClick(reader.window, Qt::LeftButton, {}, onBar);
    verifyNewestVisible(reader, "after one click on the bar");
    m_fixture->guestSay(m_guests.at(0), u"and after that"_s);
    QTRY_COMPARE_WITH_TIMEOUT(reader.textAt(reader.count() - 1), u"and after that"_s, 5000);
    verifyNewestVisible(reader, "following again");

    // Scrolled up again, your own message brings you to the newest.
    wheelUp(reader);
    QTRY_VERIFY(bar->isVisible());
    typeLine(reader, u"my own line"_s);
    QTRY_COMPARE_WITH_TIMEOUT(reader.textAt(reader.count() - 1), u"my own line"_s, 5000);
    verifyNewestVisible(reader, "after sending while scrolled up");

    // Scrolled up once more, Ctrl+End from the composer goes down.
    wheelUp(reader);
    QTRY_VERIFY(bar->isVisible());
    QTest::keyClick(reader.window, Qt::Key_End, Qt::ControlModifier);
    verifyNewestVisible(reader, "after Ctrl+End");
}

void tst_ChatWindows::lateJoiner()
{
    m_late = open(u"Cleo"_s, {320, 100});
    QVERIFY(m_late);
    joinAs(*m_late);
    QTRY_VERIFY_WITH_TIMEOUT(!m_late->app->session()->isLoadingHistory() && m_late->count() >= 100,
                             10000);
    verifyNewestVisible(*m_late, "late joiner");
    m_fixture->guestSay(m_guests.at(3), u"welcome Cleo"_s);
    for (Person *person : people()) {
        QTRY_COMPARE_WITH_TIMEOUT(person->textAt(person->count() - 1), u"welcome Cleo"_s, 5000);
        verifyNewestVisible(*person, "after the late joiner");
    }
    screenshot(u"4-late-joiner"_s);
}

void tst_ChatWindows::cleanupTestCase()
{
    // Windows go before the controllers they show.
    for (auto *person : {&m_late, &m_joiner, &m_host})
        person->reset();
    if (m_fixture)
        m_fixture->reset();
}

QTEST_MAIN(tst_ChatWindows)
#include "tst_chatwindows.moc"
