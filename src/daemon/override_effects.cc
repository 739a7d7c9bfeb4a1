#include "daemon/override_effects.h"

#include "compiler/lower_util.h"

namespace lvsnft::daemon {
namespace {

OverrideEffect* FindEffect(std::vector<OverrideEffect>& all,
                           const std::string& svc, const std::string& rs) {
  for (auto& e : all)
    if (e.service == svc && e.server == rs) return &e;
  return nullptr;
}

// Merges `o` into the effect on `rs` (a later override of the same server,
// one with and one without a port, wins field by field like ApplyTo).
void AddEffect(std::vector<OverrideEffect>& all, const Override& o,
               const Service& svc, const RealServer& rs) {
  std::string label = lower::RsLabel(rs);
  OverrideEffect* e = FindEffect(all, svc.name, label);
  if (!e) {
    all.push_back({svc.name, label, {}, {}, {}, {}});
    e = &all.back();
  }
  if (o.weight) {
    e->weight = o.weight;
    e->file_weight = rs.weight;
  }
  if (o.state) {
    e->state = o.state;
    e->file_state = rs.state;
  }
}

}  // namespace

OverrideReport DescribeOverrides(const Overrides& ov, const Config& base) {
  OverrideReport r;
  for (const auto& o : ov.items()) {
    bool used = false;
    for (const auto& svc : base.services) {
      for (const auto& rs : svc.real_servers) {
        if (!Matches(o, svc, rs)) continue;
        AddEffect(r.effects, o, svc, rs);
        used = true;
      }
    }
    if (!used) r.unused.push_back(o);
  }
  return r;
}

std::string OverrideLines(const OverrideReport& r) {
  std::string out;
  for (const auto& e : r.effects) {
    std::string parts;
    if (e.weight)
      parts += " weight " + std::to_string(*e.weight) +
               " (file: " + std::to_string(*e.file_weight) + ")";
    if (e.state)
      parts += std::string(e.weight ? "," : "") + " state " +
               RsStateName(*e.state) + " (file: " + RsStateName(*e.file_state) +
               ")";
    out += "override: " + e.service + " " + e.server + parts + "\n";
  }
  for (const auto& u : r.unused)
    out += "override: " + u.Target() +
           " unused (no such real server in the config)\n";
  return out;
}

nlohmann::ordered_json OverridesJson(const OverrideReport& r) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& e : r.effects) {
    nlohmann::ordered_json j = {{"service", e.service}, {"server", e.server}};
    if (e.weight) {
      j["weight"] = *e.weight;
      j["file_weight"] = *e.file_weight;
    }
    if (e.state) {
      j["state"] = RsStateName(*e.state);
      j["file_state"] = RsStateName(*e.file_state);
    }
    arr.push_back(j);
  }
  for (const auto& u : r.unused) {
    arr.push_back({{"service", u.service},
                   {"server", ServerRef(u.address, u.port)},
                   {"unused", true}});
  }
  return arr;
}

void MarkOverrides(const OverrideReport& r, netlink::DirectorStatus& s) {
  for (const auto& e : r.effects) {
    for (auto& svc : s.services) {
      if (svc.name != e.service) continue;
      for (auto& rs : svc.servers) {
        if (rs.address != e.server) continue;
        if (e.weight) rs.file_weight = e.file_weight;
        if (e.state) rs.file_state = RsStateName(*e.file_state);
      }
    }
  }
}

}  // namespace lvsnft::daemon
