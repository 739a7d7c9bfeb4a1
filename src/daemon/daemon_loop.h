// `lvsnft daemon`'s event loop (libevent): signals, the control socket,
// kernel change notifications (debounced into one sync), the periodic
// generation check, the systemd watchdog and the metrics listener.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/daemon_core.h"
#include "daemon/metrics_conns.h"

namespace lvsnft::daemon {

/// A kernel notification socket: readable when something changed;
/// `drain` reads every pending message (their content is not needed).
struct WatchSource {
  std::string name;  ///< "nftables", "rtnetlink" (for the log).
  int fd = -1;
  std::function<void()> drain;
  /// True: the source reports nftables changes, which all move the
  /// ruleset generation id, so a sync is needed only when it moved.
  bool ruleset = false;
};

/// How the loop runs.
struct LoopOptions {
  std::string control_socket;
  /// Members of this group may use the control socket too (mode 0660).
  std::optional<gid_t> control_group;
  std::string metrics_listen;  ///< "" = no metrics listener.
  /// The connection families of the metrics page (null: none).
  ConnMetrics* conn_metrics = nullptr;
  std::vector<WatchSource> watches;
  std::chrono::milliseconds debounce{50};
  std::chrono::milliseconds periodic{10000};
};

/// Syncs once (the start), tells systemd READY=1, and serves until SIGTERM
/// or SIGINT (STOPPING=1; the ruleset stays). Returns the exit code.
int RunDaemon(DaemonCore& core, const LoopOptions& o);

}  // namespace lvsnft::daemon
