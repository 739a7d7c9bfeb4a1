#include "daemon/health_flush.h"

#include <netinet/in.h>

#include "daemon/log.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {
namespace {

const RealServer* FindServer(const Service& svc, const DeadServer& d) {
  for (const auto& rs : svc.real_servers)
    if (rs.address == d.address && rs.port == d.port) return &rs;
  return nullptr;
}

}  // namespace

std::optional<netlink::CtFilter> DeadServerFilter(const Config& effective,
                                                  const DeadServer& dead) {
  for (const auto& svc : effective.services) {
    if (svc.name != dead.service) continue;
    if (IsStatelessMode(svc.mode) ||
        svc.health.on_failure != OnFailure::kRemove)
      return std::nullopt;
    const RealServer* rs = FindServer(svc, dead);
    if (!rs || rs->state != RsState::kDown) return std::nullopt;
    bool one_port = svc.ports.size() == 1 && svc.ports[0].single();
    if (!rs->port && !one_port) return std::nullopt;
    if (svc.protocol != Proto::kUdp && !svc.health.flush_conntrack)
      return std::nullopt;
    netlink::CtFilter f;
    f.mark = netlink::kSlotMark;
    f.mask = netlink::kSlotMask;
    f.l4protos = {ProtoNumber(svc.protocol)};
    f.server = rs->address;
    f.server_port = rs->port ? *rs->port : svc.ports[0].first;
    return f;
  }
  return std::nullopt;
}

void FlushDeadServers(const Config& effective,
                      const std::vector<DeadServer>& dead,
                      netlink::ConnTrack& ct) {
  for (const auto& d : dead) {
    auto f = DeadServerFilter(effective, d);
    if (!f) continue;
    std::string who = d.service + " " + ServerRef(d.address, d.port);
    auto n = ct.Delete(*f);
    if (!n.ok()) {
      Log(kErr,
          who + ": cannot delete conntrack entries: " + n.status().message());
      continue;
    }
    Log(kInfo, who + ": " + std::to_string(*n) + " conntrack entries deleted");
  }
}

}  // namespace lvsnft::daemon
