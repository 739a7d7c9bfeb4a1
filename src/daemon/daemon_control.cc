// DaemonCore's control requests: status, reload, set and clear.
#include <nlohmann/json.hpp>

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
    case Request::Kind::kClear:
      return OverrideReply(*r);
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

// set / clear: change a copy, persist it, then adopt and sync, so a
// failed write leaves both the file and the running state as they were.
std::string DaemonCore::OverrideReply(const Request& r) {
  Overrides next = overrides_;
  if (r.kind == Request::Kind::kSet) {
    Status s = next.Set(base_, r.target);
    if (!s.ok()) return ErrorReply(s.message());
  } else if (r.all) {
    next.ClearAll();
  } else if (!next.Clear(r.target.service, r.target.address, r.target.port)) {
    return ErrorReply("no override for " + r.target.Target());
  }
  Status saved = next.Save(o_.overrides_path);
  if (!saved.ok()) return ErrorReply(saved.message());
  overrides_ = std::move(next);
  ++stats_.generation;
  Log(kNotice, std::string("control: ") +
                   (r.kind == Request::Kind::kSet ? "set " : "clear ") +
                   (r.all ? "all overrides" : r.target.Target()));
  Status s = Sync(SyncReason::kControl);
  nlohmann::ordered_json j;
  j["ok"] = s.ok();
  if (!s.ok()) j["error"] = s.message();
  j["generation"] = stats_.generation;
  j["overrides"] = nlohmann::ordered_json::parse(overrides_.ToJson());
  return j.dump() + "\n";
}

}  // namespace lvsnft::daemon
