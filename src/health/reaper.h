// Reaps exec-check children from the loop through pidfds: no SIGCHLD
// handler, no waitpid(-1), so other children of the daemon are untouched.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>

#include "base/status.h"

struct event;
struct event_base;

namespace lvsnft::health {

/// Watches children until they exit and always collects them.
class Reaper {
 public:
  /// Called with the wait status (waitpid's) when a child exits.
  using OnExit = std::function<void(int wait_status)>;
  explicit Reaper(event_base* base) : base_(base) {}
  /// Kills every process group still watched and collects the children.
  ~Reaper();
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  /// Watches `pid`, the leader of its own process group.
  Status Watch(pid_t pid, OnExit on_exit);
  /// SIGKILLs the process group of `pid`; it is still reaped, but its
  /// exit is no longer reported.
  void Kill(pid_t pid);
  /// Children not yet collected.
  size_t pending() const { return children_.size(); }

 private:
  struct Child {
    int pidfd = -1;
    event* ev = nullptr;
    OnExit on_exit;
  };
  static void OnReadable(int fd, short, void* arg);
  void Collect(pid_t pid);

  event_base* base_;
  std::map<pid_t, Child> children_;
};

}  // namespace lvsnft::health
