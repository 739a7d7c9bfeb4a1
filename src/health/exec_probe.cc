// exec: runs argv without a shell in its own process group (stdio on
// /dev/null). Exit 0 up, 1 down, 2..255 up with weight code - 2
// (keepalived's misc_dynamic). At the timeout the group is SIGKILLed; the
// Reaper collects the child either way.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <cstring>
#include <vector>

#include "health/probe_internal.h"
#include "health/reaper.h"

extern char** environ;

namespace lvsnft::health {
namespace {

/// Meaning of a wait status.
ProbeResult FromWaitStatus(int st) {
  if (WIFSIGNALED(st))
    return Fail("killed by signal " + std::to_string(WTERMSIG(st)));
  int code = WEXITSTATUS(st);
  if (code == 1) return Fail("exit 1");
  ProbeResult r;
  r.ok = true;
  if (code >= 2) r.weight = code - 2;
  return r;
}

/// posix_spawn attributes: own process group, default signals, no mask.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_init(&files_);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP |
                                         POSIX_SPAWN_SETSIGDEF |
                                         POSIX_SPAWN_SETSIGMASK);
    for (int fd = 0; fd < 3; fd++)
      posix_spawn_file_actions_addopen(&files_, fd, "/dev/null",
                                       fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&files_);
  }
  /// Spawns argv; 0 or an errno value.
  int Spawn(const std::vector<std::string>& argv, pid_t* pid) {
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    return posix_spawnp(pid, args[0], &files_, &attr_, args.data(), environ);
  }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t files_;
};

class ExecProbe : public ProbeBase {
 public:
  ExecProbe(event_base* base, Reaper* reaper, Done done)
      : ProbeBase(base, std::move(done)), reaper_(reaper) {}
  ~ExecProbe() override {
    if (pid_ > 0) reaper_->Kill(pid_);
  }

  void Start(const CheckSpec& spec) {
    SpawnSetup setup;
    pid_t pid = 0;
    if (int err = setup.Spawn(spec.argv, &pid); err != 0)
      return FinishSoon(Fail(std::string("exec: ") + std::strerror(err)));
    Status st = reaper_->Watch(pid, [this](int ws) {
      pid_ = 0;
      Finish(FromWaitStatus(ws));
    });
    if (!st.ok()) return FinishSoon(Fail(st.message()));
    pid_ = pid;
  }

  ProbeResult OnTimeout() override { return Fail("exec timeout"); }

 private:
  Reaper* reaper_;
  pid_t pid_ = 0;
};

}  // namespace

std::unique_ptr<Probe> StartExec(const ProbeEnv& env, const CheckSpec& spec,
                                 Probe::Done done) {
  auto p = std::make_unique<ExecProbe>(env.base, env.reaper, std::move(done));
  p->Start(spec);
  return p;
}

}  // namespace lvsnft::health
