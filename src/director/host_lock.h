// One lvsnft at a time per network namespace: apply and destroy hold an
// exclusive flock on a file next to the state file while they run.
#pragma once

#include <string>

#include "base/status.h"

namespace lvsnft::netlink {

/// The lock file of the current network namespace below `dir`:
/// DIR/director-<id>.lock (id as in StatePath).
std::string LockPath(const std::string& dir, const std::string& netns_name);

/// An exclusive flock on a file, released when destroyed.
class HostLock {
 public:
  /// Takes the lock on `path` (its directory is created), waiting up to
  /// 30 s for another holder; an empty path gives a lock that holds
  /// nothing.
  static Result<HostLock> Take(const std::string& path);
  HostLock(HostLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  HostLock& operator=(HostLock&&) = delete;
  HostLock(const HostLock&) = delete;
  ~HostLock();

 private:
  explicit HostLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace lvsnft::netlink
