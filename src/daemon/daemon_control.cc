// DaemonCore's control requests: status, reload, set and clear.
#include <chrono>
#include <cstdio>
#include <future>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/timing.h"
#include "daemon/daemon_core.h"
#include "daemon/log.h"
#include "daemon/request.h"

namespace lvsnft::daemon {

std::string DaemonCore::Handle(const std::string& request) {
  auto r = ParseRequest(request);
  if (!r.ok()) {
    Log(kWarning, "control: bad request: " + r.status().message());
    return ErrorReply(r.status().message());
  }
  switch (r->kind) {
    case Request::Kind::kStatus:
      return StatusReply();
    case Request::Kind::kReload:
      return ReloadReply();
    case Request::Kind::kSet:
    case Request::Kind::kClear: {
      // From the request read to its reply (the commit included): the
      // daemon's share of `ctl set`, without the client's process start.
      auto t0 = std::chrono::steady_clock::now();
      std::string reply = OverrideReply(*r);
      std::chrono::duration<double, std::milli> ms =
          std::chrono::steady_clock::now() - t0;
      char text[64];
      std::snprintf(text, sizeof text, "control: request handled in %.1f ms",
                    ms.count());
      Log(kDebug, text);
      return reply;
    }
  }
  return ErrorReply("unhandled request");
}

std::string DaemonCore::StatusReply() const {
  nlohmann::ordered_json j;
  j["ok"] = true;
  j["config"] = o_.config_path;
  j["netns"] = o_.netns;
  j["generation"] = stats_.generation;
  j["last_sync"] = {{"time", stats_.last_sync_time},
                    {"result", stats_.last_sync_result},
                    {"duration_seconds", stats_.last_sync_duration},
                    {"ruleset_genid", stats_.last_genid}};
  j["syncs"] = {{"ok", stats_.syncs_ok}, {"error", stats_.syncs_failed}};
  j["reloads"] = {{"ok", stats_.reloads_ok}, {"error", stats_.reloads_failed}};
  j["drift_repairs"] = stats_.drift_repairs;
  j["overrides"] = nlohmann::ordered_json::parse(overrides_.ToJson());
  if (health_)
    j["health"] = nlohmann::ordered_json::parse(HealthStatusJson(*health_));
  return j.dump() + "\n";
}

std::string DaemonCore::ReloadReply() {
  std::vector<std::string> errors;
  bool ok = Reload(&errors);
  nlohmann::ordered_json j;
  j["ok"] = ok;
  if (!ok) {
    j["error"] = errors.empty() ? stats_.last_sync_result
                                : "invalid config, running config kept";
    j["errors"] = errors;
  }
  j["generation"] = stats_.generation;
  return j.dump() + "\n";
}

// set / clear: change a copy, then save it and sync at once: the file is
// written and fsynced on a worker thread while the kernel commits (the
// reply waits for both, so `ctl set` returns once the change is durable
// and committed). A failed write undoes the change with a second sync,
// so the file and the running state stay as they were.
std::string DaemonCore::OverrideReply(const Request& r) {
  Overrides next = overrides_;
  if (r.kind == Request::Kind::kSet) {
    Status s;
    WithFileView([&] { s = next.Set(eff_, r.target); });
    if (!s.ok()) return ErrorReply(s.message());
  } else if (r.all) {
    next.ClearAll();
  } else if (!next.Clear(r.target.service, r.target.address, r.target.port)) {
    return ErrorReply("no override for " + r.target.Target());
  }
  // Only the services whose overrides changed can differ.
  std::set<std::string> touched;
  for (const auto& o : overrides_.items())
    if (r.all) touched.insert(o.service);
  if (!r.all) touched.insert(r.target.service);
  auto saved = std::async(std::launch::async, [next, path = o_.overrides_path] {
    PhaseTimer persist("persist (worker)");
    return next.Save(path);
  });
  Overrides was = std::exchange(overrides_, std::move(next));
  Log(kNotice, std::string("control: ") +
                   (r.kind == Request::Kind::kSet ? "set " : "clear ") +
                   (r.all ? "all overrides" : r.target.Target()));
  Status s = SyncServices(SyncReason::kControl, touched);
  PhaseTimer wait("persist wait");
  Status written = saved.get();
  wait.Done();
  if (!written.ok()) {
    Log(kErr,
        "control: overrides not saved, change undone: " + written.message());
    overrides_ = std::move(was);
    SyncServices(SyncReason::kControl, touched);
    return ErrorReply(written.message());
  }
  ++stats_.generation;
  nlohmann::ordered_json j;
  j["ok"] = s.ok();
  if (!s.ok()) j["error"] = s.message();
  j["generation"] = stats_.generation;
  j["overrides"] = nlohmann::ordered_json::parse(overrides_.ToJson());
  return j.dump() + "\n";
}

}  // namespace lvsnft::daemon
