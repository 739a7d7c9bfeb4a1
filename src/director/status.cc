#include "director/status.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "compiler/lower_util.h"
#include "director/flows.h"
#include "director/status_kernel.h"

namespace lvsnft::netlink {

namespace {

// An element's key alone (the identity status matches counters by).
ElementKey KeyOnly(const SmallBytes& key) {
  static const SmallBytes kNone;
  return {&key, &kNone, 0};
}

// Live elements by set name and key, with the set (for their counters).
struct SetIndex {
  const LiveSet* set = nullptr;
  std::unordered_map<ElementKey, size_t, ElementKeyHash> by_key;
};
using Counters = std::map<std::string, SetIndex>;

Counters IndexCounters(const std::vector<LiveTable>& live,
                       plan::TableFamily family) {
  Counters out;
  for (const auto& t : live) {
    if (t.family != family) continue;
    for (const auto& s : t.sets) {
      SetIndex& x = out[s.name];
      x.set = &s;
      x.by_key.clear();
      for (size_t i = 0; i < s.elements.size(); ++i)
        x.by_key[KeyOnly(s.elements[i].key)] = i;
    }
  }
  return out;
}

std::string PortsText(const std::vector<PortRange>& ports) {
  std::string out;
  for (const auto& p : ports) {
    out += (out.empty() ? "" : ",") + std::to_string(p.first);
    if (!p.single()) out += "-" + std::to_string(p.last);
  }
  return out;
}

ServiceStatus Skeleton(const Service& s) {
  ServiceStatus st;
  st.name = s.name;
  st.mode = ModeName(s.mode);
  st.protocol = ProtoName(s.protocol);
  st.vip = s.vip.ToString();
  st.ports = PortsText(s.ports);
  st.scheduler = SchedulerName(s.scheduler);
  for (const auto& rs : s.real_servers) {
    st.servers.push_back(
        {lower::RsLabel(rs), rs.weight, RsStateName(rs.state)});
  }
  return st;
}

// Adds element counters of `set` to the service (dispatch) or its servers
// (slot maps), using the desired elements' owner labels.
void AddSetCounters(const DesiredTable& d, const std::string& set,
                    const Counters& live,
                    std::map<std::string, ServiceStatus*>& by) {
  auto it = d.elements.find(set);
  auto lit = live.find(set);
  if (it == d.elements.end() || lit == live.end()) return;
  for (const auto& e : it->second) {
    auto owner = by.find(std::string(e.src.service()));
    if (!e.src || owner == by.end()) continue;
    auto le = lit->second.by_key.find(KeyOnly(e.key));
    if (le == lit->second.by_key.end()) continue;
    const ElementStats* st = lit->second.set->Stats(le->second);
    uint64_t packets = st ? st->packets : 0, bytes = st ? st->bytes : 0;
    ServiceStatus& s = *owner->second;
    bool stateless = s.mode == "dr" || s.mode == "tun";
    if (e.src.real_server().empty()) {  // dispatch element
      s.live = true;
      // NAT sees the first packet of each connection (conntrack does the
      // rest); netdev ingress sees every packet.
      if (stateless) {
        s.packets += packets;
        s.bytes += bytes;
      } else {
        s.conns += packets;
      }
      continue;
    }
    for (auto& rs : s.servers) {
      if (rs.address != e.src.real_server()) continue;
      rs.slots++;
      if (!stateless) rs.conns += packets;
    }
  }
}

void AddTargetCounters(const Config& cfg, const std::vector<LiveTable>& live,
                       std::map<std::string, ServiceStatus*>& by) {
  std::map<std::string, const LiveChain*> chains;
  for (const auto& t : live) {
    if (t.family != plan::TableFamily::kNetdev) continue;
    for (const auto& c : t.chains) chains[c.name] = &c;
  }
  for (const auto& s : cfg.services) {
    if (!IsStatelessMode(s.mode)) continue;
    for (size_t i = 0; i < s.real_servers.size(); ++i) {
      const auto& rs = s.real_servers[i];
      std::string dev = s.mode == Mode::kTun ? lower::TunnelName(rs.address)
                                             : cfg.director.interface;
      auto it = chains.find(lower::TargetChain(rs.address, dev));
      if (!by.count(s.name)) break;  // the kernel does not run it like this
      if (it == chains.end()) continue;
      for (const auto& r : it->second->rules) {
        by[s.name]->servers[i].packets += r.packets;
        by[s.name]->servers[i].bytes += r.bytes;
      }
    }
  }
}

// DR/TUN: the flow table holds one entry per active flow: count them per
// service and server (like ipvsadm's active connections).
void AddActiveFlows(const Config& cfg, const std::vector<LiveTable>& live,
                    std::map<std::string, ServiceStatus*>& by) {
  for (const Flow& f : DecodeFlows(cfg, live)) {
    auto it = by.find(f.service->name);
    if (it == by.end()) continue;
    it->second->servers[f.server].conns++;
    it->second->servers[f.server].active =
        it->second->servers[f.server].active.value_or(0) + 1;
    it->second->conns++;
  }
}

// Packets and bytes are counted only where lvsnft's rules see every
// packet: the netdev ingress of DR/TUN.
bool PacketsCounted(const ServiceStatus& v) {
  return v.mode == "dr" || v.mode == "tun";
}

// The Packets and Bytes columns, or dashes where they are not counted.
std::string Traffic(bool counted, uint64_t packets, uint64_t bytes) {
  char buf[64];
  if (!counted) return "         -          -";
  std::snprintf(buf, sizeof(buf), "%10llu %10llu",
                static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(bytes));
  return buf;
}

// A count, or a dash where it was not read.
std::string Count(const std::optional<uint64_t>& n) {
  return n ? std::to_string(*n) : "-";
}

// Ports in ascending order, as ServicesInKernel lists them.
std::string SortedPortsText(const Service& s) {
  std::vector<PortRange> ports = s.ports;
  std::sort(ports.begin(), ports.end(),
            [](const PortRange& a, const PortRange& b) {
              return std::pair(a.first, a.last) < std::pair(b.first, b.last);
            });
  return PortsText(ports);
}

// The remembered config describes a service the kernel runs only when name,
// mode, protocol, VIP and ports agree.
bool Agrees(const Service& c, const KernelService& k) {
  return c.name == k.name && ModeName(c.mode) == k.mode &&
         ProtoName(c.protocol) == k.protocol && c.vip.ToString() == k.vip &&
         SortedPortsText(c) == k.ports;
}

// What the kernel says, with no label from a config.
ServiceStatus FromKernel(const KernelService& k) {
  ServiceStatus st;
  st.name = k.name;
  st.mode = k.mode;
  st.protocol = k.protocol;
  st.vip = k.vip;
  st.ports = k.ports;
  st.scheduler = "?";
  st.live = true;
  st.labelled = false;
  return st;
}

// The services: each one the kernel runs (labelled from the config where
// it agrees), then the config's services the kernel does not run.
// `labelled` gets the names whose config entry describes the kernel.
std::vector<ServiceStatus> ServiceList(const Config& cfg,
                                       const std::vector<LiveTable>& live,
                                       std::set<std::string>& labelled) {
  std::vector<ServiceStatus> out;
  std::set<std::string> in_kernel;
  for (const auto& k : ServicesInKernel(live)) {
    in_kernel.insert(k.name);
    auto c = std::find_if(cfg.services.begin(), cfg.services.end(),
                          [&](const Service& s) { return Agrees(s, k); });
    if (c == cfg.services.end()) {
      out.push_back(FromKernel(k));
      continue;
    }
    out.push_back(Skeleton(*c));
    out.back().live = true;
    labelled.insert(c->name);
  }
  for (const auto& s : cfg.services) {
    if (!in_kernel.count(s.name)) out.push_back(Skeleton(s));
  }
  return out;
}

// Live slot-map elements the desired table does not hold.
size_t StaleSlots(const DesiredTable& d, const Counters& live) {
  size_t n = 0;
  for (const char* set : {"be4", "be6", "slots"}) {
    auto it = d.elements.find(set);
    auto lit = live.find(set);
    if (it == d.elements.end() || lit == live.end()) continue;
    std::unordered_set<ElementKey, ElementKeyHash> want;
    for (const auto& e : it->second) want.insert(KeyOnly(e.key));
    for (const auto& kv : lit->second.by_key) n += want.count(kv.first) ? 0 : 1;
  }
  return n;
}

}  // namespace

DirectorStatus BuildStatus(const Config& cfg,
                           const std::vector<DesiredTable>& desired,
                           const std::vector<LiveTable>& live, uint32_t genid) {
  DirectorStatus out;
  out.genid = genid;
  for (const auto& t : live) {
    out.tables.push_back(std::string(plan::FamilyKeyword(t.family)) + " " +
                         t.name);
  }
  std::set<std::string> labelled;
  out.services = ServiceList(cfg, live, labelled);
  // Counters are attributed through the config's encoding: only where it
  // describes the kernel.
  std::map<std::string, ServiceStatus*> by;
  for (auto& s : out.services) {
    if (labelled.count(s.name)) by[s.name] = &s;
  }
  for (const auto& d : desired) {
    Counters c = IndexCounters(live, d.table->family);
    for (const char* set :
         {"svc4", "svc4r", "svc6", "svc6r", "be4", "be6", "slots"}) {
      AddSetCounters(d, set, c, by);
    }
    out.stale_slots += StaleSlots(d, c);
  }
  AddTargetCounters(cfg, live, by);
  AddActiveFlows(cfg, live, by);
  return out;
}

std::string StaleSlotsNote(size_t n) {
  if (n == 0) return "";
  return "stale slots awaiting collection: " + std::to_string(n) +
         " (unreachable; the next apply removes them)\n";
}

std::string RenderStatusText(const DirectorStatus& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line),
                "lvsnft status: %zu service%s; tables: %s; generation %u\n",
                s.services.size(), s.services.size() == 1 ? "" : "s",
                s.tables.empty()
                    ? "none"
                    : (s.tables.size() == 2 ? "inet lvsnft, netdev lvsnft"
                                            : s.tables[0].c_str()),
                s.genid);
  out += line;
  out +=
      "Prot VirtualAddress:Port            Mode    Sched   Conns/Flows    "
      "Packets      Bytes\n";
  out +=
      "  -> RealServer:Port              Weight State  Slots  Conns/Flows    "
      "Packets      Bytes ActiveConn InActConn\n";
  bool stateless = false, stateful = false, overridden = false;
  for (const auto& v : s.services) {
    std::string vip =
        v.vip.find(':') != std::string::npos ? "[" + v.vip + "]" : v.vip;
    const bool counted = PacketsCounted(v);
    (counted ? stateless : stateful) = true;
    std::snprintf(line, sizeof(line), "%-4s %-29s %-7s %-7s %11llu %s%s\n",
                  v.protocol.c_str(), (vip + ":" + v.ports).c_str(),
                  v.mode.c_str(), v.scheduler.c_str(),
                  static_cast<unsigned long long>(v.conns),
                  Traffic(counted, v.packets, v.bytes).c_str(),
                  !v.live      ? "  (not in kernel)"
                  : v.labelled ? ""
                               : "  (from the kernel; no applied config "
                                 "matches)");
    out += line;
    for (const auto& r : v.servers) {
      std::string w = std::to_string(r.weight) + (r.file_weight ? "*" : "");
      std::string st = r.state + (r.file_state ? "*" : "");
      overridden = overridden || r.file_weight || r.file_state;
      std::snprintf(line, sizeof(line),
                    "  -> %-27s %6s %-6s %5zu %12llu %s %10s %9s\n",
                    r.address.c_str(), w.c_str(), st.c_str(), r.slots,
                    static_cast<unsigned long long>(r.conns),
                    Traffic(counted, r.packets, r.bytes).c_str(),
                    Count(r.active).c_str(), Count(r.inactive).c_str());
      out += line;
    }
  }
  out += StaleSlotsNote(s.stale_slots);
  if (overridden) out += "* runtime override (lvsnft ctl)\n";
  if (stateful) {
    out +=
        "NAT/FULLNAT: Conns/Flows = connections scheduled; lvsnft's rules see "
        "only their first packet (conntrack translates the rest), so "
        "Packets/Bytes are not counted (-); ActiveConn/InActConn = tracked "
        "connections ESTABLISHED / in any other state (conntrack).\n";
  }
  if (stateless) {
    out +=
        "DR/TUN: Conns/Flows = new flows; a real server's Packets/Bytes are "
        "what lvsnft forwarded to it for every service that uses it; "
        "ActiveConn = flows in the flow table.\n";
  }
  return out;
}

namespace {

nlohmann::json Optional(const std::optional<uint64_t>& n) {
  return n ? nlohmann::json(*n) : nlohmann::json(nullptr);
}

nlohmann::json OverrideJson(const RsStatus& r) {
  nlohmann::json o = nlohmann::json::object();
  if (r.file_weight) {
    o["weight"] = r.weight;
    o["file_weight"] = *r.file_weight;
  }
  if (r.file_state) {
    o["state"] = r.state;
    o["file_state"] = *r.file_state;
  }
  return o;
}

}  // namespace

std::string RenderStatusJson(const DirectorStatus& s) {
  // NAT/FULLNAT packets and bytes are unknown (null), not zero.
  auto count = [](bool counted, uint64_t n) {
    return counted ? nlohmann::json(n) : nlohmann::json(nullptr);
  };
  nlohmann::json j;
  j["generation"] = s.genid;
  j["tables"] = s.tables;
  j["stale_slots"] = s.stale_slots;
  j["services"] = nlohmann::json::array();
  for (const auto& v : s.services) {
    nlohmann::json sv = {{"name", v.name},
                         {"mode", v.mode},
                         {"protocol", v.protocol},
                         {"vip", v.vip},
                         {"ports", v.ports},
                         {"scheduler", v.scheduler},
                         {"in_kernel", v.live},
                         {"config_matches", v.labelled},
                         {"conns", v.conns},
                         {"packets", count(PacketsCounted(v), v.packets)},
                         {"bytes", count(PacketsCounted(v), v.bytes)}};
    sv["real_servers"] = nlohmann::json::array();
    for (const auto& r : v.servers) {
      nlohmann::json rj = {{"address", r.address},
                           {"weight", r.weight},
                           {"state", r.state},
                           {"slots", r.slots},
                           {"conns", r.conns},
                           {"packets", count(PacketsCounted(v), r.packets)},
                           {"bytes", count(PacketsCounted(v), r.bytes)},
                           {"active_conns", Optional(r.active)},
                           {"inactive_conns", Optional(r.inactive)}};
      if (r.file_weight || r.file_state) rj["override"] = OverrideJson(r);
      sv["real_servers"].push_back(rj);
    }
    j["services"].push_back(sv);
  }
  return j.dump(2) + "\n";
}

}  // namespace lvsnft::netlink
