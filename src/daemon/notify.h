// The service manager protocol (sd_notify(3)) through libsystemd: no-ops
// when NOTIFY_SOCKET is unset, so the daemon also runs outside systemd.
#pragma once

#include <cstdint>

namespace lvsnft::daemon {

/// Sends one state string ("READY=1", "STOPPING=1", ...).
void Notify(const char* state);
/// The watchdog interval in microseconds, or 0 when not enabled for us.
uint64_t WatchdogUsec();

}  // namespace lvsnft::daemon
