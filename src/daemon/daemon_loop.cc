#include "daemon/daemon_loop.h"

#include <event2/event.h>
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "daemon/control_server.h"
#include "daemon/log.h"
#include "daemon/metrics_http.h"
#include "daemon/notify.h"

namespace lvsnft::daemon {
namespace {

double MonotonicSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

timeval ToTimeval(std::chrono::microseconds us) {
  return {static_cast<time_t>(us.count() / 1000000),
          static_cast<suseconds_t>(us.count() % 1000000)};
}

// Everything the callbacks reach, owned by RunDaemon's frame.
struct Loop {
  DaemonCore* core = nullptr;
  const LoopOptions* o = nullptr;
  event_base* base = nullptr;
  event* debounce = nullptr;
  event* health_sync = nullptr;  ///< Zero timeout: one sync per loop turn.
  event* persist = nullptr;      ///< Zero timeout: after the reply is out.
  std::set<std::string> health_touched;  ///< Services whose health moved.
  bool force = false;  ///< A pending event that the genid cannot show.
  uint64_t big_work_trimmed = 0;  ///< BigWork() at the last malloc_trim.
  std::vector<event*> events;

  event* Add(evutil_socket_t fd, short what, event_callback_fn cb, void* arg,
             const timeval* tv) {
    event* ev = event_new(base, fd, what, cb, arg);
    event_add(ev, tv);
    events.push_back(ev);
    return ev;
  }
  ~Loop() {
    for (event* ev : events) event_free(ev);
  }
};

// Work that builds and frees a whole plan (a reload, a repaired drift):
// each leaves tens of megabytes freed but still mapped by glibc.
uint64_t BigWork(const DaemonStats& s) {
  return s.reloads_ok + s.reloads_failed + s.drift_repairs;
}

// Hands freed memory back to the kernel after the start-up sync and after
// big work, so the resident size is the daemon's working set rather than
// its last peak. Runs after the reply is out; a `ctl set` never pays it.
void TrimFreed(Loop& l) {
  l.big_work_trimmed = BigWork(l.core->stats());
  malloc_trim(0);
}

void OnPersist(evutil_socket_t, short, void* arg) {
  auto* l = static_cast<Loop*>(arg);
  l->core->Persist();
  if (BigWork(l->core->stats()) != l->big_work_trimmed) TrimFreed(*l);
}

// The state files a sync left for later are written on a later loop turn:
// libevent runs the reply's write (its socket polled writable in this
// turn's dispatch) before the timers that turn expires, so the write and
// fsync of megabytes never delay a reply.
void SchedulePersist(Loop& l) {
  if (evtimer_pending(l.persist, nullptr)) return;
  timeval zero{0, 0};
  evtimer_add(l.persist, &zero);
}

void OnSignal(evutil_socket_t sig, short, void* arg) {
  auto* l = static_cast<Loop*>(arg);
  if (sig == SIGHUP) {
    Log(kNotice, "SIGHUP: reloading the config");
    l->core->Reload(nullptr);
    SchedulePersist(*l);
    return;
  }
  Log(kNotice, std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                   ": stopping; the ruleset stays in place");
  Notify("STOPPING=1");
  event_base_loopbreak(l->base);
}

// A kernel event: read it away and (re)arm the debounce timer, so a
// burst of notifications (one per object of a batch) gives one sync.
void OnWatch(evutil_socket_t, short, void* arg) {
  auto* w = static_cast<std::pair<Loop*, const WatchSource*>*>(arg);
  w->second->drain();
  Loop* l = w->first;
  l->force = l->force || !w->second->ruleset;
  if (!evtimer_pending(l->debounce, nullptr)) {
    timeval tv = ToTimeval(l->o->debounce);
    evtimer_add(l->debounce, &tv);
  }
}

void OnDebounce(evutil_socket_t, short, void* arg) {
  auto* l = static_cast<Loop*>(arg);
  if (l->force) {
    l->core->HostEvent();
  } else {
    l->core->Check(SyncReason::kEvent);
  }
  l->force = false;
}

void OnHealthSync(evutil_socket_t, short, void* arg) {
  // Only the services whose servers changed state are re-lowered.
  auto* l = static_cast<Loop*>(arg);
  l->core->SyncServices(SyncReason::kHealth,
                        std::exchange(l->health_touched, {}));
}

// A transition: every transition of this loop turn gives one sync.
void ScheduleHealthSync(Loop& l) {
  if (evtimer_pending(l.health_sync, nullptr)) return;
  timeval zero{0, 0};
  evtimer_add(l.health_sync, &zero);
}

void OnPeriodic(evutil_socket_t, short, void* arg) {
  static_cast<Loop*>(arg)->core->Check(SyncReason::kPeriodic);
}

void OnWatchdog(evutil_socket_t, short, void*) { Notify("WATCHDOG=1"); }

void AddTimers(Loop& l) {
  l.debounce = l.Add(-1, 0, OnDebounce, &l, nullptr);
  event_del(l.debounce);  // Armed by OnWatch only.
  l.health_sync = l.Add(-1, 0, OnHealthSync, &l, nullptr);
  event_del(l.health_sync);  // Armed by ScheduleHealthSync only.
  l.persist = l.Add(-1, 0, OnPersist, &l, nullptr);
  event_del(l.persist);  // Armed by SchedulePersist only.
  timeval period = ToTimeval(l.o->periodic);
  l.Add(-1, EV_PERSIST, OnPeriodic, &l, &period);
  if (uint64_t usec = WatchdogUsec()) {
    timeval half = ToTimeval(std::chrono::microseconds(usec / 2));
    l.Add(-1, EV_PERSIST, OnWatchdog, &l, &half);
    Log(kInfo,
        "watchdog: pinging every " + std::to_string(usec / 2000) + " ms");
  }
}

void OnConnMetrics(evutil_socket_t, short, void* arg) {
  auto* m = static_cast<ConnMetrics*>(arg);
  if (!m->Collect(MonotonicSeconds())) return;
  char ms[64];
  std::snprintf(ms, sizeof ms, "metrics: connections read in %.1f ms",
                m->read_seconds() * 1000);
  Log(kDebug, ms);
}

// The metrics listener (null without --metrics-listen). The connection
// families are read on ConnMetrics' worker thread; the page is sent from
// the loop when they are there, and the loop serves others meanwhile.
Result<std::unique_ptr<MetricsServer>> OpenMetrics(Loop& l,
                                                   const HealthInput& health) {
  const LoopOptions& o = *l.o;
  if (o.metrics_listen.empty()) return std::unique_ptr<MetricsServer>();
  if (o.conn_metrics)
    l.Add(o.conn_metrics->wake_fd(), EV_READ | EV_PERSIST, OnConnMetrics,
          o.conn_metrics, nullptr);
  const DaemonCore& core = *l.core;
  return MetricsServer::Open(
      l.base, o.metrics_listen, [&core, &health, &o](MetricsServer::Reply r) {
        auto page = [&core, &health, r](const std::string& conns) {
          r(RenderMetrics(core.stats(), core.effective()) +
            RenderHealthMetrics(health, core.effective()) + conns);
        };
        if (o.conn_metrics) {
          o.conn_metrics->Render(MonotonicSeconds(), page);
        } else {
          page("");
        }
      });
}

}  // namespace

int RunDaemon(DaemonCore& core, const LoopOptions& o) {
  // Declared before the Loop so that its events are freed first.
  std::unique_ptr<event_base, void (*)(event_base*)> base(event_base_new(),
                                                          event_base_free);
  Loop l;
  l.core = &core;
  l.o = &o;
  l.base = base.get();
  std::vector<std::pair<Loop*, const WatchSource*>> watch_args;
  watch_args.reserve(o.watches.size());
  for (const auto& w : o.watches) {
    watch_args.emplace_back(&l, &w);
    l.Add(w.fd, EV_READ | EV_PERSIST, OnWatch, &watch_args.back(), nullptr);
  }
  for (int sig : {SIGTERM, SIGINT, SIGHUP})
    l.Add(sig, EV_SIGNAL | EV_PERSIST, OnSignal, &l, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  AddTimers(l);
  HealthInput health(l.base, [&l](const std::string& service) {
    l.health_touched.insert(service);
    ScheduleHealthSync(l);
  });
  core.AttachHealth(&health);
  struct Detach {  // The core must not outlive-point at `health`.
    DaemonCore& core;
    ~Detach() { core.AttachHealth(nullptr); }
  } detach{core};
  if (Status s = core.Sync(SyncReason::kStart); !s.ok()) return 1;
  TrimFreed(l);  // The first sync's peak: whole plan, batch pages, dump.
  auto ctl = ControlServer::Open(
      l.base, o.control_socket,
      [&core, &l](const std::string& req) {
        std::string reply = core.Handle(req);
        SchedulePersist(l);
        return reply;
      },
      o.control_group);
  if (!ctl.ok()) {
    Log(kErr, ctl.status().message());
    return 1;
  }
  auto metrics = OpenMetrics(l, health);
  if (!metrics.ok()) {
    Log(kErr, metrics.status().message());
    return 1;
  }
  Log(kNotice, "ready: kernel in sync, control socket " + o.control_socket);
  Notify("READY=1");
  event_base_dispatch(l.base);
  core.Persist();  // What the last turn left, before the process ends.
  return 0;
}

}  // namespace lvsnft::daemon
