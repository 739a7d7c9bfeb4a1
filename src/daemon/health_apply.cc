#include "daemon/health_apply.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace lvsnft::daemon {
namespace {

// Marks the servers of `svc` as their checks say; true when any server of
// the file's state up was changed by a check.
bool MarkServers(Service& svc, const HealthLookup& lookup) {
  bool touched = false;
  for (auto& rs : svc.real_servers) {
    auto h = lookup(svc, rs);
    if (!h || rs.state != RsState::kUp) continue;
    if (h->weight) rs.weight = static_cast<uint32_t>(std::max(0, *h->weight));
    if (!h->up) {
      rs.state = svc.health.on_failure == OnFailure::kDrain ? RsState::kDrain
                                                            : RsState::kDown;
      touched = true;
    }
  }
  return touched;
}

// Updates the remembered quorum of `svc` for `live` and returns it.
bool QuorumHeld(const Service& svc, uint64_t live, QuorumMemory& memory) {
  const HealthPolicy& p = svc.health;
  if (p.quorum == 0) return true;
  auto it = memory.find(svc.name);
  bool held = it == memory.end() ? live >= p.quorum : it->second;
  if (held && live + p.hysteresis < p.quorum) held = false;
  if (!held && live >= uint64_t{p.quorum} + p.hysteresis) held = true;
  memory[svc.name] = held;
  return held;
}

RealServer SorryAsServer(const SorryServer& s) {
  RealServer rs;
  rs.address = s.address;
  rs.port = s.port;
  rs.origin = s.origin;
  rs.address_origin = s.address_origin;
  rs.port_origin = s.port_origin;
  return rs;
}

bool AnyUp(const Service& svc) {
  return std::any_of(
      svc.real_servers.begin(), svc.real_servers.end(),
      [](const RealServer& rs) { return rs.state == RsState::kUp; });
}

void ApplyService(Service& svc, const HealthLookup& lookup,
                  QuorumMemory& quorum) {
  Service file = svc;
  bool touched = MarkServers(svc, lookup);
  bool held = QuorumHeld(svc, LiveWeight(svc), quorum);
  bool any_up = AnyUp(svc);
  const HealthPolicy& p = svc.health;
  if (p.sorry_server && (!held || !any_up)) {
    // keepalived: the sorry server in, the live servers out.
    for (auto& rs : svc.real_servers) rs.state = RsState::kDown;
    svc.real_servers.push_back(SorryAsServer(*p.sorry_server));
    return;
  }
  if (!any_up && touched && p.all_down == AllDown::kPanic)
    svc.real_servers = std::move(file.real_servers);
}

}  // namespace

uint64_t LiveWeight(const Service& svc) {
  uint64_t sum = 0;
  for (const auto& rs : svc.real_servers)
    if (rs.state == RsState::kUp) sum += rs.weight;
  return sum;
}

void ApplyHealth(Config& cfg, const HealthLookup& lookup,
                 QuorumMemory& quorum) {
  for (auto& svc : cfg.services) ApplyService(svc, lookup, quorum);
}

}  // namespace lvsnft::daemon
