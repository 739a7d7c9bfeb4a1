#include "rs/state.h"

#include <nlohmann/json.hpp>

#include "base/atomic_file.h"

namespace lvsnft::rs {
namespace {

using nlohmann::json;

constexpr int kStateVersion = 1;

// The sealed file around the JSON (see base/atomic_file.h).
SealedFile File(const std::string& path) {
  return SealedFile(path, "rs-setup-state", 2);
}

}  // namespace

bool State::empty() const {
  return sysctls.empty() && addresses.empty() && links_up.empty() &&
         links_created.empty();
}

const SavedSysctl* State::FindSysctl(const std::string& path) const {
  for (const auto& s : sysctls) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

std::string StateToJson(const State& s) {
  json j;
  j["version"] = kStateVersion;
  j["sysctls"] = json::array();
  for (const auto& x : s.sysctls) {
    json e{{"path", x.path}, {"old", x.old_value}};
    if (!x.existed) e["existed"] = false;
    j["sysctls"].push_back(e);
  }
  j["addresses"] = netlink::AddressesToJson(s.addresses);
  j["links_up"] = s.links_up;
  j["links_created"] = s.links_created;
  return j.dump(2) + "\n";
}

Result<State> StateFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    if (j.at("version").get<int>() != kStateVersion) {
      return Status::Error("unsupported state version " +
                           j.at("version").dump());
    }
    State s;
    for (const auto& e : j.at("sysctls")) {
      s.sysctls.push_back({e.at("path").get<std::string>(),
                           e.at("old").get<std::string>(),
                           e.value("existed", true)});
    }
    s.addresses = netlink::AddressesFromJson(j.at("addresses"));
    s.links_up = j.value("links_up", std::vector<std::string>{});
    s.links_created = j.value("links_created", std::vector<std::string>{});
    return s;
  } catch (const std::exception& e) {
    return Status::Error(std::string("invalid state: ") + e.what());
  }
}

Result<std::optional<State>> FileStateStore::Load() {
  SealedRead file = File(path_).Read();
  if (!file.rejected.empty()) {
    // Never trusted: its "before" values may be garbage. Refusing keeps
    // the undo information for a human to look at.
    return Status::Error("state file " + path_ + ": " + file.rejected +
                         "; not trusted (remove it to start afresh)");
  }
  if (!file.payload) return std::optional<State>();
  auto s = StateFromJson(*file.payload);
  if (!s.ok()) {
    return Status::Error("state file " + path_ + ": " + s.status().message());
  }
  return std::optional<State>(*s);
}

Status FileStateStore::Save(const State& s) {
  if (s.empty()) return File(path_).Remove("state file");
  Status st = File(path_).Write(StateToJson(s));
  if (!st.ok()) return Status::Error("state file: " + st.message());
  return Status();
}

std::string DefaultStatePath(const std::string& netns) {
  if (netns.empty()) return "/var/lib/lvsnft/rs-setup.json";
  return "/var/lib/lvsnft/rs-setup@" + netns + ".json";
}

}  // namespace lvsnft::rs
