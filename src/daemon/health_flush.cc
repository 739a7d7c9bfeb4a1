#include "daemon/health_flush.h"

#include <netinet/in.h>

#include "daemon/log.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {
namespace {

struct Found {
  const Service* svc = nullptr;
  const RealServer* rs = nullptr;
};

// The service of `d` when its policy is remove, and the server if it is
// in state down there.
Found FindDown(const Config& effective, const DeadServer& d) {
  for (const auto& svc : effective.services) {
    if (svc.name != d.service) continue;
    if (svc.health.on_failure != OnFailure::kRemove) return {};
    for (const auto& rs : svc.real_servers)
      if (rs.address == d.address && rs.port == d.port)
        return rs.state == RsState::kDown ? Found{&svc, &rs} : Found{};
    return {};
  }
  return {};
}

std::string Who(const DeadServer& d) {
  return d.service + " " + ServerRef(d.address, d.port);
}

void FlushConntrack(const Config& effective, const DeadServer& d,
                    netlink::ConnTrack& ct) {
  auto f = DeadServerFilter(effective, d);
  if (!f) return;
  auto n = ct.Delete(*f);
  if (!n.ok()) {
    Log(kErr,
        Who(d) + ": cannot delete conntrack entries: " + n.status().message());
    return;
  }
  Log(kInfo, Who(d) + ": " + std::to_string(*n) + " conntrack entries deleted");
}

std::optional<uint32_t> FlushFlowTable(const Config& effective,
                                       const std::vector<DeadServer>& dead,
                                       netlink::NftKernel& nft) {
  std::vector<netlink::FlowOwner> owners;
  std::string who;
  for (const auto& d : dead) {
    auto o = DeadServerFlows(effective, d);
    if (!o) continue;
    owners.push_back(*o);
    who += (who.empty() ? "" : ", ") + Who(d);
  }
  if (owners.empty()) return std::nullopt;
  auto r = netlink::FlushFlows(nft, owners);
  if (!r.ok()) {
    Log(kErr, who + ": cannot delete flow entries: " + r.status().message());
    return std::nullopt;
  }
  Log(kInfo, who + ": " + std::to_string(r->deleted) + " flow entries deleted");
  return r->based_on;
}

}  // namespace

std::optional<netlink::CtFilter> DeadServerFilter(const Config& effective,
                                                  const DeadServer& dead) {
  Found f = FindDown(effective, dead);
  if (!f.rs || IsStatelessMode(f.svc->mode)) return std::nullopt;
  const Service& svc = *f.svc;
  bool one_port = svc.ports.size() == 1 && svc.ports[0].single();
  if (!f.rs->port && !one_port) return std::nullopt;
  if (svc.protocol != Proto::kUdp && !svc.health.flush_conntrack)
    return std::nullopt;
  netlink::CtFilter c;
  c.mark = netlink::kSlotMark;
  c.mask = netlink::kSlotMask;
  c.l4protos = {ProtoNumber(svc.protocol)};
  c.server = f.rs->address;
  c.server_port = f.rs->port ? *f.rs->port : svc.ports[0].first;
  return c;
}

std::optional<netlink::FlowOwner> DeadServerFlows(const Config& effective,
                                                  const DeadServer& dead) {
  Found f = FindDown(effective, dead);
  if (!f.rs || !IsStatelessMode(f.svc->mode) ||
      effective.director.flow_table_size == 0)
    return std::nullopt;
  return netlink::OwnerOf(effective, *f.svc, *f.rs);
}

std::optional<uint32_t> FlushDeadServers(const Config& effective,
                                         const std::vector<DeadServer>& dead,
                                         const FlushTargets& to) {
  if (to.conntrack)
    for (const auto& d : dead) FlushConntrack(effective, d, *to.conntrack);
  if (!to.nft) return std::nullopt;
  return FlushFlowTable(effective, dead, *to.nft);
}

}  // namespace lvsnft::daemon
