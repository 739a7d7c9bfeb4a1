#include "compiler/config_diff.h"

#include <map>

#include "compiler/lower_util.h"

namespace lvsnft {

namespace {

using Kind = ConfigChange::Kind;

std::string PortsText(const Service& s) {
  std::string out;
  for (const auto& p : s.ports) {
    if (!out.empty()) out += ",";
    out += std::to_string(p.first);
    if (!p.single()) out += "-" + std::to_string(p.last);
  }
  return out;
}

std::string PersistText(const Service& s) {
  if (!s.persistence) return "none";
  return std::to_string(s.persistence->timeout_s) + "s/" +
         std::to_string(s.persistence->netmask < 0 ? s.vip.bits()
                                                   : s.persistence->netmask);
}

// Service-level fields compared one by one.
std::vector<std::pair<std::string, std::string>> Fields(const Service& s) {
  return {{"vip", s.vip.ToString()},
          {"protocol", ProtoName(s.protocol)},
          {"ports", PortsText(s)},
          {"mode", ModeName(s.mode)},
          {"scheduler", SchedulerName(s.scheduler)},
          {"mh_table_size", std::to_string(s.mh_table_size)},
          {"mh_port", s.mh_port ? "true" : "false"},
          {"persistence", PersistText(s)}};
}

std::vector<std::pair<std::string, std::string>> Fields(const RealServer& r) {
  return {{"weight", std::to_string(r.weight)},
          {"state", RsStateName(r.state)}};
}

template <typename T>
void CompareFields(const T& a, const T& b, const std::string& svc,
                   const std::string& rs, std::vector<ConfigChange>& out) {
  auto fa = Fields(a), fb = Fields(b);
  for (size_t i = 0; i < fa.size(); ++i) {
    if (fa[i].second != fb[i].second) {
      out.push_back(
          {Kind::kChanged, svc, rs, fa[i].first, fa[i].second, fb[i].second});
    }
  }
}

void CompareServers(const Service& a, const Service& b,
                    std::vector<ConfigChange>& out) {
  std::map<std::string, const RealServer*> before;
  for (const auto& r : a.real_servers) before[lower::RsLabel(r)] = &r;
  for (const auto& r : b.real_servers) {
    std::string label = lower::RsLabel(r);
    auto it = before.find(label);
    if (it == before.end()) {
      out.push_back(
          {Kind::kAdded, b.name, label, "", "",
           "weight " + std::to_string(r.weight) + ", " + RsStateName(r.state)});
      continue;
    }
    CompareFields(*it->second, r, b.name, label, out);
    before.erase(it);
  }
  for (const auto& r : a.real_servers) {
    std::string label = lower::RsLabel(r);
    if (before.count(label)) {
      out.push_back({Kind::kRemoved, a.name, label, "", "", ""});
    }
  }
}

bool SamePorts(const Service& a, const Service& b) {
  if (a.ports.size() != b.ports.size()) return false;
  for (size_t i = 0; i < a.ports.size(); ++i) {
    if (a.ports[i].first != b.ports[i].first ||
        a.ports[i].last != b.ports[i].last)
      return false;
  }
  return true;
}

bool SameServers(const Service& a, const Service& b) {
  if (a.real_servers.size() != b.real_servers.size()) return false;
  for (size_t i = 0; i < a.real_servers.size(); ++i) {
    const RealServer &x = a.real_servers[i], &y = b.real_servers[i];
    if (!(x.address == y.address) || x.port != y.port || x.weight != y.weight ||
        x.state != y.state)
      return false;
  }
  return true;
}

bool SamePersistence(const Service& a, const Service& b) {
  if (a.persistence.has_value() != b.persistence.has_value()) return false;
  return !a.persistence ||
         (a.persistence->timeout_s == b.persistence->timeout_s &&
          a.persistence->netmask == b.persistence->netmask);
}

// Every field lowering reads.
bool SameService(const Service& a, const Service& b) {
  return a.vip == b.vip && a.protocol == b.protocol && a.mode == b.mode &&
         a.scheduler == b.scheduler && a.mh_table_size == b.mh_table_size &&
         a.mh_port == b.mh_port && SamePorts(a, b) && SamePersistence(a, b) &&
         SameServers(a, b);
}

bool SameDirector(const Director& a, const Director& b) {
  return a.interface == b.interface && a.local_addresses == b.local_addresses &&
         a.manage_vips == b.manage_vips &&
         a.flow_timeout_s == b.flow_timeout_s &&
         a.flow_table_size == b.flow_table_size;
}

}  // namespace

std::optional<std::set<std::string>> TouchedServices(const Config& before,
                                                     const Config& after) {
  if (!SameDirector(before.director, after.director) ||
      before.services.size() != after.services.size())
    return std::nullopt;
  std::set<std::string> touched;
  std::map<std::string, const Service*> moved;  // names not at the same index
  for (size_t i = 0; i < after.services.size(); ++i) {
    const Service &a = before.services[i], &b = after.services[i];
    if (a.name != b.name) {
      moved[a.name] = &a;
      continue;
    }
    if (!SameService(a, b)) touched.insert(b.name);
  }
  for (size_t i = 0; i < after.services.size() && !moved.empty(); ++i) {
    const Service& b = after.services[i];
    if (before.services[i].name == b.name) continue;
    auto it = moved.find(b.name);
    if (it == moved.end()) return std::nullopt;  // added (and one removed)
    if (!SameService(*it->second, b)) touched.insert(b.name);
  }
  return touched;
}

const char* ChangeSign(ConfigChange::Kind k) {
  switch (k) {
    case Kind::kAdded:
      return "+";
    case Kind::kRemoved:
      return "-";
    case Kind::kChanged:
      return "~";
  }
  return "?";
}

std::vector<ConfigChange> DiffConfigs(const Config& before,
                                      const Config& after) {
  std::vector<ConfigChange> out;
  std::map<std::string, const Service*> old;
  for (const auto& s : before.services) old[s.name] = &s;
  for (const auto& s : after.services) {
    auto it = old.find(s.name);
    if (it == old.end()) {
      out.push_back(
          {Kind::kAdded, s.name, "", "", "", lower::ServiceSummary(s)});
      continue;
    }
    CompareFields(*it->second, s, s.name, "", out);
    CompareServers(*it->second, s, out);
    old.erase(it);
  }
  for (const auto& s : before.services) {
    if (old.count(s.name)) {
      out.push_back(
          {Kind::kRemoved, s.name, "", "", lower::ServiceSummary(s), ""});
    }
  }
  const Director &a = before.director, &b = after.director;
  auto dir = [&](const char* field, std::string x, std::string y) {
    if (x != y) out.push_back({Kind::kChanged, "", "", field, x, y});
  };
  dir("director.interface", a.interface, b.interface);
  dir("director.manage_vips", a.manage_vips ? "true" : "false",
      b.manage_vips ? "true" : "false");
  dir("director.flow_timeout", std::to_string(a.flow_timeout_s),
      std::to_string(b.flow_timeout_s));
  dir("director.flow_table_size", std::to_string(a.flow_table_size),
      std::to_string(b.flow_table_size));
  std::string la, lb;
  for (const auto& x : a.local_addresses) la += x.ToString() + " ";
  for (const auto& x : b.local_addresses) lb += x.ToString() + " ";
  dir("director.local_addresses", la, lb);
  return out;
}

}  // namespace lvsnft
