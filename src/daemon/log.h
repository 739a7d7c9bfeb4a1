// Daemon logging: one line per event on stderr, prefixed with its syslog
// priority ("<3>" error .. "<7>" debug) as journald and sd-daemon(3) read
// it, so the journal keeps the priority without a syslog connection.
#pragma once

#include <string>

namespace lvsnft::daemon {

/// syslog priorities used by the daemon.
enum LogPriority { kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

/// Writes "<PRIO>MESSAGE\n" to stderr in one write.
void Log(LogPriority prio, const std::string& message);

}  // namespace lvsnft::daemon
