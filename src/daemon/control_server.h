// The control socket: a unix stream socket (mode 0600, or 0660 owned by
// the control group when one is given), one JSON request per connection
// (ended by EOF or a newline), one reply, then close. Oversized or
// malformed requests get an error reply; clients whose SO_PEERCRED uid is
// neither 0 nor the daemon's own, and who are not in the control group
// (primary or supplementary, SO_PEERGROUPS), are refused.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"

struct event_base;

namespace lvsnft::daemon {

/// Turns a request into a reply line.
using RequestHandler = std::function<std::string(const std::string&)>;

class ControlServer {
 public:
  /// Binds `path` (replacing a stale socket file) and serves on `base`;
  /// `group`: members may use the socket too (mode 0660, that group).
  static Result<std::unique_ptr<ControlServer>> Open(
      event_base* base, const std::string& path, RequestHandler handler,
      std::optional<gid_t> group = std::nullopt);
  ~ControlServer();
  /// The listener's state (named here for the libevent callbacks).
  struct Impl;

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lvsnft::daemon
