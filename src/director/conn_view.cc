#include "director/conn_view.h"

#include <netinet/in.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace lvsnft::netlink {
namespace {

const char* ProtoText(uint8_t p) {
  switch (p) {
    case IPPROTO_TCP:
      return "tcp";
    case IPPROTO_UDP:
      return "udp";
    case IPPROTO_SCTP:
      return "sctp";
    default:
      return "?";
  }
}

// The NAT/FULLNAT service named `name` in `s`, or null.
const ServiceStatus* StatefulService(const DirectorStatus& s,
                                     const std::string& name) {
  for (const auto& v : s.services) {
    if (v.name == name && (v.mode == "nat" || v.mode == "fullnat")) return &v;
  }
  return nullptr;
}

}  // namespace

std::string Endpoint(const IpAddr& a, uint16_t port) {
  std::string t = a.ToString();
  if (a.family == IpFamily::kV6) t = "[" + t + "]";
  return t + ":" + std::to_string(port);
}

std::map<uint32_t, SlotOwner> SlotOwners(
    const std::vector<DesiredTable>& desired) {
  std::map<uint32_t, SlotOwner> out;
  for (const auto& d : desired) {
    for (const char* set : {"be4", "be6"}) {
      auto it = d.elements.find(set);
      if (it == d.elements.end()) continue;
      for (const auto& e : it->second) {
        // be4/be6 map a host-order mark: the key as the kernel holds it.
        if (!e.src || e.key.size() != 4) continue;
        uint32_t mark;
        std::memcpy(&mark, e.key.data(), 4);
        out[mark] = {std::string(e.src.service()),
                     std::string(e.src.real_server())};
      }
    }
  }
  return out;
}

void AddConnStates(const std::map<uint32_t, SlotOwner>& owners,
                   const std::vector<CtEntry>& ct, DirectorStatus& s) {
  std::map<std::pair<std::string, std::string>, RsStatus*> by;
  for (auto& v : s.services) {
    if (v.mode != "nat" && v.mode != "fullnat") continue;
    for (auto& r : v.servers) {
      r.active = 0;
      r.inactive = 0;
      by[{v.name, r.address}] = &r;
    }
  }
  for (const auto& e : ct) {
    auto o = owners.find(e.mark);
    if (o == owners.end()) continue;
    auto r = by.find({o->second.service, o->second.server});
    if (r == by.end()) continue;
    ++*(e.active() ? r->second->active : r->second->inactive);
  }
}

std::vector<ConnRow> ConnRows(const std::map<uint32_t, SlotOwner>& owners,
                              const std::vector<CtEntry>& ct,
                              const DirectorStatus& s) {
  std::vector<ConnRow> out;
  for (const auto& e : ct) {
    auto o = owners.find(e.mark);
    if (o == owners.end()) continue;
    const ServiceStatus* v = StatefulService(s, o->second.service);
    if (!v) continue;
    out.push_back({v->name, v->mode, ProtoText(e.l4proto), e.state,
                   uint64_t{e.timeout} * 1000,
                   Endpoint(e.client, e.client_port), Endpoint(e.vip, e.vport),
                   Endpoint(e.server, e.server_port)});
  }
  return out;
}

std::vector<ConnRow> FlowRows(const std::vector<Flow>& flows) {
  std::vector<ConnRow> out;
  for (const Flow& f : flows) {
    const Service& s = *f.service;
    const RealServer& rs = s.real_servers[f.server];
    // DR and TUN deliver the packet unchanged: the real server sees the
    // VIP's port.
    out.push_back({s.name, ModeName(s.mode), ProtoName(s.protocol), "FLOW",
                   f.expires_ms, Endpoint(f.client, f.client_port),
                   Endpoint(f.vip, f.vport),
                   Endpoint(rs.address, rs.port.value_or(f.vport))});
  }
  return out;
}

std::string RenderConnsText(const std::vector<ConnRow>& rows) {
  std::string out =
      "Pro  Expires  State        Source                 Virtual        "
      "        Destination            Service\n";
  char line[512];
  for (const auto& r : rows) {
    uint64_t sec = (r.expires_ms + 999) / 1000;
    std::snprintf(
        line, sizeof line, "%-4s %02llu:%02llu    %-12s %-22s %-22s %-22s %s\n",
        r.protocol.c_str(), static_cast<unsigned long long>(sec / 60),
        static_cast<unsigned long long>(sec % 60), r.state.c_str(),
        r.client.c_str(), r.vip.c_str(), r.server.c_str(), r.service.c_str());
    out += line;
  }
  return out;
}

std::string RenderConnsJson(const std::vector<ConnRow>& rows) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    j.push_back({{"service", r.service},
                 {"mode", r.mode},
                 {"protocol", r.protocol},
                 {"state", r.state},
                 {"expires", static_cast<double>(r.expires_ms) / 1000.0},
                 {"client", r.client},
                 {"vip", r.vip},
                 {"server", r.server}});
  }
  return j.dump(2) + "\n";
}

}  // namespace lvsnft::netlink
