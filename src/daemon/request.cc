#include "daemon/request.h"

#include <nlohmann/json.hpp>

namespace lvsnft::daemon {
namespace {

using nlohmann::json;

Status CheckKeys(const json& j, std::initializer_list<const char*> keys) {
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) return Status::Error("unknown key \"" + k + "\"");
  }
  return Status();
}

Result<std::string> StringKey(const json& j, const char* key) {
  if (!j.contains(key))
    return Status::Error(std::string("missing \"") + key + "\"");
  if (!j[key].is_string() || j[key].get<std::string>().empty())
    return Status::Error(std::string("\"") + key +
                         "\" must be a non-empty string");
  return j[key].get<std::string>();
}

Status ParseTarget(const json& j, Override& o) {
  auto svc = StringKey(j, "service");
  if (!svc.ok()) return svc.status();
  auto server = StringKey(j, "server");
  if (!server.ok()) return server.status();
  auto ref = ParseServerRef(*server);
  if (!ref.ok()) return ref.status();
  o.service = *svc;
  o.address = ref->first;
  o.port = ref->second;
  return Status();
}

Status ParseChanges(const json& j, Override& o) {
  if (j.contains("weight")) {
    const json& w = j["weight"];
    if (!w.is_number_integer() || w.get<int64_t>() < 0 ||
        w.get<int64_t>() > 65535)
      return Status::Error("\"weight\" must be an integer 0..65535");
    o.weight = w.get<uint32_t>();
  }
  if (j.contains("state")) {
    const json& s = j["state"];
    for (RsState st : {RsState::kUp, RsState::kDrain, RsState::kDown})
      if (s.is_string() && s.get<std::string>() == RsStateName(st))
        o.state = st;
    if (!o.state)
      return Status::Error("\"state\" must be \"up\", \"drain\" or \"down\"");
  }
  if (!o.weight && !o.state)
    return Status::Error("set needs \"weight\" or \"state\"");
  return Status();
}

Result<Request> ParseCommand(const json& j, const std::string& cmd) {
  Request r;
  Status s;
  if (cmd == "status" || cmd == "reload") {
    r.kind = cmd == "status" ? Request::Kind::kStatus : Request::Kind::kReload;
    s = CheckKeys(j, {"command"});
  } else if (cmd == "set") {
    r.kind = Request::Kind::kSet;
    s = CheckKeys(j, {"command", "service", "server", "weight", "state"});
    if (s.ok()) s = ParseTarget(j, r.target);
    if (s.ok()) s = ParseChanges(j, r.target);
  } else if (cmd == "clear") {
    r.kind = Request::Kind::kClear;
    s = CheckKeys(j, {"command", "service", "server", "all"});
    r.all = j.contains("all") && j["all"] == true;
    if (s.ok() && r.all && (j.contains("service") || j.contains("server")))
      s = Status::Error(
          "clear takes \"all\" or a service and server, not both");
    else if (s.ok() && !r.all)
      s = ParseTarget(j, r.target);
  } else {
    return Status::Error("unknown command \"" + cmd +
                         "\" (expected status, reload, set or clear)");
  }
  if (!s.ok()) return s;
  return r;
}

}  // namespace

Result<Request> ParseRequest(const std::string& text) {
  if (text.size() > kMaxRequestBytes)
    return Status::Error("request larger than " +
                         std::to_string(kMaxRequestBytes) + " bytes");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Error("request is not valid JSON");
  if (!j.is_object()) return Status::Error("request must be a JSON object");
  if (!j.contains("command") || !j["command"].is_string())
    return Status::Error("missing \"command\" string");
  return ParseCommand(j, j["command"].get<std::string>());
}

std::string ErrorReply(const std::string& message) {
  nlohmann::ordered_json j;
  j["ok"] = false;
  j["error"] = message;
  return j.dump() + "\n";
}

}  // namespace lvsnft::daemon
