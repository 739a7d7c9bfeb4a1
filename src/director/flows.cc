#include "director/flows.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <span>

#include "compiler/lower_util.h"

namespace lvsnft::netlink {
namespace {

struct Owner {
  const Service* svc;
  size_t rs;
};
// (VIP bytes, target id) -> the servers it forwards to.
using Owners = std::map<std::pair<std::string, uint32_t>, std::vector<Owner>>;

Owners IndexOwners(const Config& cfg) {
  Owners owner;
  for (const auto& s : cfg.services) {
    if (!IsStatelessMode(s.mode)) continue;
    std::string vip(reinterpret_cast<const char*>(s.vip.bytes.data()),
                    s.vip.size());
    for (size_t i = 0; i < s.real_servers.size(); ++i) {
      const auto& rs = s.real_servers[i];
      std::string dev = s.mode == Mode::kTun ? lower::TunnelName(rs.address)
                                             : cfg.director.interface;
      owner[{vip, lower::TargetId(rs.address, dev)}].push_back({&s, i});
    }
  }
  return owner;
}

bool HasPort(const Service& s, uint16_t port) {
  return std::any_of(s.ports.begin(), s.ports.end(), [&](const PortRange& p) {
    return port >= p.first && port <= p.last;
  });
}

IpAddr AddrAt(std::span<const uint8_t> key, size_t at, size_t len) {
  IpAddr a;
  a.family = len == 4 ? IpFamily::kV4 : IpFamily::kV6;
  std::memcpy(a.bytes.data(), key.data() + at, len);
  return a;
}

uint16_t PortAt(std::span<const uint8_t> key, size_t at) {
  return static_cast<uint16_t>(key[at] << 8 | key[at + 1]);
}

}  // namespace

std::vector<Flow> DecodeFlows(const Config& cfg,
                              const std::vector<LiveTable>& live) {
  Owners owner = IndexOwners(cfg);
  std::vector<Flow> out;
  for (const auto& t : live) {
    if (t.family != plan::TableFamily::kNetdev) continue;
    for (const auto& set : t.sets) {
      size_t alen = set.name == "flows4" ? 4 : set.name == "flows6" ? 16 : 0;
      if (!alen) continue;
      for (size_t i = 0; i < set.elements.size(); ++i) {
        const LiveElement& e = set.elements[i];
        const ElementStats* st = set.Stats(i);
        // saddr, daddr, sport (4 padded), dport (4 padded), tid
        if (e.key.size() != 2 * alen + 12) continue;
        std::string vip(reinterpret_cast<const char*>(e.key.data() + alen),
                        alen);
        uint32_t tid;
        std::memcpy(&tid, e.key.data() + 2 * alen + 8, 4);
        uint16_t dport = PortAt(e.key, 2 * alen + 4);
        auto it = owner.find({vip, tid});
        if (it == owner.end()) continue;
        for (const Owner& o : it->second) {
          if (!HasPort(*o.svc, dport)) continue;
          out.push_back({o.svc, o.rs, AddrAt(e.key, 0, alen),
                         AddrAt(e.key, alen, alen), PortAt(e.key, 2 * alen),
                         dport, st ? st->expires_ms : 0});
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace lvsnft::netlink
