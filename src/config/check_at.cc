// When CheckConfigAt may stand for CheckConfig: the keys of a service that
// other services' checks read, and the checks that read files.
#include <algorithm>

#include "config/check.h"

namespace lvsnft {

bool KeepsCrossServiceKeys(const Service& was, const Service& now) {
  auto same_ports = [](const PortRange& a, const PortRange& b) {
    return a.first == b.first && a.last == b.last;
  };
  return was.name == now.name && was.vip == now.vip &&
         was.protocol == now.protocol &&
         (was.mode == Mode::kFullNat) == (now.mode == Mode::kFullNat) &&
         std::equal(was.ports.begin(), was.ports.end(), now.ports.begin(),
                    now.ports.end(), same_ports);
}

bool ChecksReadFiles(const Service& s) {
  auto reads = [](const Boxed<HealthCheckSpec>& h) {
    return h && (h->ca_file || h->client_cert || h->client_key);
  };
  if (reads(s.health_check)) return true;
  return std::any_of(
      s.real_servers.begin(), s.real_servers.end(),
      [&](const RealServer& rs) { return reads(rs.health_check); });
}

}  // namespace lvsnft
