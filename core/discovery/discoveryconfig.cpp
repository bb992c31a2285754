#include "discoveryconfig.h"

#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;

QHostAddress DiscoveryConfig::ipv6Group()
{
    // ff02:: is link-local scope; the group id spells "Hearth" in ASCII.
    return QHostAddress(u"ff02::4865:6172:7468"_s);
}

QList<QHostAddress> DiscoveryConfig::sendTargets() const
{
    if (!isAutomatic())
        return targets;
    QList<QHostAddress> result;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        const auto flags = iface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) ||
            !flags.testFlag(QNetworkInterface::IsRunning) ||
            flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        bool hasIPv6 = false;
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            if (entry.ip().protocol() == QAbstractSocket::IPv4Protocol &&
                !entry.broadcast().isNull() && !result.contains(entry.broadcast()))
                result.append(entry.broadcast());
            if (entry.ip().protocol() == QAbstractSocket::IPv6Protocol)
                hasIPv6 = true;
        }
        if (hasIPv6 && flags.testFlag(QNetworkInterface::CanMulticast)) {
            QHostAddress group = ipv6Group();
            group.setScopeId(iface.name());
            result.append(group);
        }
    }
    return result;
}

std::optional<QList<QHostAddress>> DiscoveryConfig::parseTargets(const QString &text)
{
    QList<QHostAddress> result;
    const auto parts = text.split(u',', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const QHostAddress address(part.trimmed());
        if (address.isNull())
            return std::nullopt;
        result.append(address);
    }
    if (result.isEmpty())
        return std::nullopt;
    return result;
}

DiscoveryConfig DiscoveryConfig::fromEnvironment(QString *error)
{
    DiscoveryConfig config;
    QStringList problems;
    const QString enabled = qEnvironmentVariable("HEARTH_DISCOVERY").trimmed().toLower();
    if (enabled == "off"_L1 || enabled == "0"_L1 || enabled == "no"_L1)
        config.enabled = false;
    if (qEnvironmentVariableIsSet("HEARTH_DISCOVERY_PORT")) {
        bool ok = false;
        const uint port = qEnvironmentVariable("HEARTH_DISCOVERY_PORT").toUInt(&ok);
        if (ok && port > 0 && port <= 65535)
            config.port = quint16(port);
        else
            problems.append(u"HEARTH_DISCOVERY_PORT is not a port number"_s);
    }
    if (qEnvironmentVariableIsSet("HEARTH_DISCOVERY_TARGETS")) {
        if (const auto targets = parseTargets(qEnvironmentVariable("HEARTH_DISCOVERY_TARGETS")))
            config.targets = *targets;
        else
            problems.append(u"HEARTH_DISCOVERY_TARGETS is not a list of addresses"_s);
    }
    if (error)
        *error = problems.join(u"; "_s);
    return config;
}
