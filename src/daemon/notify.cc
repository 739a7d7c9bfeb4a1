#include "daemon/notify.h"

#include <systemd/sd-daemon.h>

namespace lvsnft::daemon {

void Notify(const char* state) { sd_notify(0, state); }

uint64_t WatchdogUsec() {
  uint64_t usec = 0;
  return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

}  // namespace lvsnft::daemon
