#include "health/reaper.h"

#include <event2/event.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace lvsnft::health {
namespace {

struct Arg {
  Reaper* reaper;
  pid_t pid;
};

}  // namespace

Reaper::~Reaper() {
  for (auto& [pid, c] : children_) {
    kill(-pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    auto* arg = static_cast<Arg*>(event_get_callback_arg(c.ev));
    event_free(c.ev);
    delete arg;
    close(c.pidfd);
  }
}

Status Reaper::Watch(pid_t pid, OnExit on_exit) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int err = errno;
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);  // Killed: returns at once.
    return Status::Error(std::string("pidfd_open: ") + std::strerror(err));
  }
  auto* arg = new Arg{this, pid};
  event* ev = event_new(base_, pidfd, EV_READ, &Reaper::OnReadable, arg);
  event_add(ev, nullptr);
  children_[pid] = Child{pidfd, ev, std::move(on_exit)};
  return Status();
}

void Reaper::Kill(pid_t pid) {
  auto it = children_.find(pid);
  if (it == children_.end()) return;
  it->second.on_exit = nullptr;
  kill(-pid, SIGKILL);
}

void Reaper::OnReadable(int, short, void* arg) {
  auto* a = static_cast<Arg*>(arg);
  a->reaper->Collect(a->pid);
}

void Reaper::Collect(pid_t pid) {
  auto it = children_.find(pid);
  int st = 0;
  pid_t got;
  while ((got = waitpid(pid, &st, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (got == 0) {  // Not yet (cannot happen for a readable pidfd).
    event_add(it->second.ev, nullptr);
    return;
  }
  Child c = std::move(it->second);
  children_.erase(it);
  delete static_cast<Arg*>(event_get_callback_arg(c.ev));
  event_free(c.ev);
  close(c.pidfd);
  if (c.on_exit && got == pid) c.on_exit(st);
}

}  // namespace lvsnft::health
