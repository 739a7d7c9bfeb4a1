// `lvsnft status --rate`: per-second rates from two status samples, like
// `ipvsadm -Ln --rate`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "director/status.h"

namespace lvsnft::netlink {

/// Rates of one service or real server; unset where nothing counts it
/// (NAT/FULLNAT: packets and bytes; DR/TUN: new flows).
struct Rate {
  std::optional<double> cps, pps, bps;
};

/// A real server's rates.
struct RsRate {
  std::string address;
  Rate rate;
};

/// A service's rates and its real servers'.
struct ServiceRate {
  std::string name, mode, protocol, vip, ports;
  Rate rate;
  std::vector<RsRate> servers;
};

/// The rates between `before` and `after`, taken `seconds` apart, for the
/// services and servers of `after`. A counter that went back (its element
/// was replaced) counts from zero.
std::vector<ServiceRate> ComputeRates(const DirectorStatus& before,
                                      const DirectorStatus& after,
                                      double seconds);

/// Text table like ipvsadm -Ln --rate.
std::string RenderRatesText(const std::vector<ServiceRate>& r, double seconds);
/// The same as JSON (unset rates are null).
std::string RenderRatesJson(const std::vector<ServiceRate>& r, double seconds);

}  // namespace lvsnft::netlink
