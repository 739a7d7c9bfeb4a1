#include "config/warn.h"

#include <algorithm>

#include "config/json.h"

namespace lvsnft {
namespace {

void Warn(Diagnostics& d, const Origin& o, std::string msg) {
  d.Warning(o.loc, o.pointer, std::move(msg));
}

/// True when `rs` can be picked for new connections.
bool TakesNew(const RealServer& rs) {
  return rs.state == RsState::kUp && rs.weight > 0;
}

void WarnNoServer(const Service& s, Diagnostics& d) {
  std::string name = json::Quote(s.name, 64);
  if (s.real_servers.empty()) {
    Warn(d, s.origin,
         "service " + name +
             " has no real servers: new connections to it are dropped");
  } else if (std::none_of(s.real_servers.begin(), s.real_servers.end(),
                          TakesNew)) {
    Warn(d, s.origin,
         "no real server of service " + name +
             " takes new connections (each one is down, drain or weight 0): "
             "they are dropped");
  }
}

/// `a` with its host bits (those after `prefix`) cleared.
IpAddr Network(IpAddr a, int prefix) {
  for (int bit = prefix; bit < a.bits(); ++bit)
    a.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  return a;
}

/// What `vip` is in the /24 (IPv4) or /64 (IPv6) of `rs`, or "". Runs
/// for every real server: the common case (another subnet) compares bytes.
std::string SubnetRole(const IpAddr& vip, const IpAddr& rs) {
  int prefix = vip.family == IpFamily::kV4 ? 24 : 64;
  if (vip.family != rs.family ||
      !std::equal(vip.bytes.begin(), vip.bytes.begin() + prefix / 8,
                  rs.bytes.begin()))
    return "";
  std::string net =
      Network(vip, prefix).ToString() + "/" + std::to_string(prefix);
  if (vip == Network(vip, prefix)) {
    return vip.family == IpFamily::kV4
               ? "the network address of " + net
               : "the subnet-router anycast address of " + net;
  }
  if (vip.family == IpFamily::kV4 && vip.bytes[3] == 0xff)
    return "the broadcast address of " + net;
  return "";
}

void WarnSubnetVip(const Service& s, Diagnostics& d) {
  for (const auto& rs : s.real_servers) {
    std::string role = SubnetRole(s.vip, rs.address);
    if (role.empty()) continue;
    Warn(d, s.vip_origin,
         "VIP " + s.vip.ToString() + " is " + role + ", the network of real " +
             "server " + rs.address.ToString() +
             " (clients on that network may not reach it)");
    return;
  }
}

/// Why persistence adds nothing to `s`'s scheduler, or "": dh sends every
/// client to one server; sh (and mh without the port) hash the client
/// address, which persistence over whole addresses repeats.
std::string RedundantPersistence(const Service& s) {
  if (s.scheduler == Scheduler::kDh)
    return "which sends every client of the VIP to the same real server";
  bool by_address = s.scheduler == Scheduler::kSh ||
                    (s.scheduler == Scheduler::kMh && !s.mh_port);
  int mask = s.persistence->netmask;
  bool whole = mask < 0 || mask >= s.vip.bits();
  if (by_address && whole)
    return "which already sends each client address to the same real server";
  return "";
}

void WarnPersistence(const Service& s, Diagnostics& d) {
  if (!s.persistence) return;
  std::string why = RedundantPersistence(s);
  if (why.empty()) return;
  Warn(d, s.persistence->origin,
       std::string("persistence is redundant with the ") +
           SchedulerName(s.scheduler) + " scheduler, " + why);
}

void WarnService(const Service& s, Diagnostics& diags) {
  WarnNoServer(s, diags);
  WarnSubnetVip(s, diags);
  WarnPersistence(s, diags);
}

}  // namespace

void WarnConfig(const Config& cfg, Diagnostics& diags) {
  for (const auto& s : cfg.services) WarnService(s, diags);
}

void WarnConfigAt(const Config& cfg, const std::vector<size_t>& at,
                  Diagnostics& diags) {
  for (size_t i : at) WarnService(cfg.services[i], diags);
}

}  // namespace lvsnft
