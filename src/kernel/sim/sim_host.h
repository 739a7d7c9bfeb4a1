// An in-memory host: links, addresses, default routes and sysctls, with the
// kernel behaviours that callers depend on (EEXIST on duplicate addresses,
// the ipip module creating tunl0, new devices inheriting conf/default
// values, DELLINK of tunl0 being ignored). Used by unit tests and, seeded
// from the real host, by --dry-run.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "kernel/host_net.h"
#include "kernel/sysctls.h"

namespace lvsnft::netlink {

/// Fake HostNet + Sysctls.
class FakeHost : public HostNet, public Sysctls {
 public:
  /// A host with only `lo` (ifindex 1, up) and no sysctls.
  FakeHost();

  /// A fake that starts as a copy of `net` (links, addresses, default
  /// routes). Sysctls not written yet are read from `sysctls` (may be null).
  static Result<std::unique_ptr<FakeHost>> CopyOf(HostNet& net,
                                                  Sysctls* sysctls);

  /// Adds a device; its per-interface IPv4 sysctls copy conf/default.
  int AddLink(const std::string& name, const std::string& kind = "",
              bool up = true, uint32_t mtu = 1500);
  /// Sets a sysctl directly (no log entry, no failure injection).
  void SetSysctl(const std::string& path, const std::string& value);
  /// Adds a default route.
  void AddRoute(const Route& r) { routes_.push_back(r); }
  /// False: creating ipip devices fails as without the ipip module.
  void set_ipip_available(bool v) { ipip_available_ = v; }
  /// False: loading ipip does not create tunl0 (as with
  /// net.core.fb_tunnels_only_for_init_net=1 outside the initial netns).
  void set_fallback_tunnel(bool v) { fallback_tunnel_ = v; }
  /// Every later change whose log text contains `needle` fails with
  /// "<what>: <reason>".
  void FailOn(const std::string& needle, const std::string& reason);

  /// Successful changes in order, e.g. "add-address lo 10.0.0.1/32",
  /// "write net/ipv4/conf/all/arp_ignore 1", "set-link tunl0 up".
  const std::vector<std::string>& log() const { return log_; }
  /// Current value of a sysctl (nullopt when unknown / absent).
  std::optional<std::string> sysctl(const std::string& path);
  /// Current addresses.
  const std::vector<Addr>& addresses() const { return addrs_; }
  /// Current links.
  const std::vector<Link>& links() const { return links_; }

  /// See HostNet / Sysctls; in memory.
  Result<std::vector<Link>> ListLinks() override;
  /// See HostNet / Sysctls; in memory.
  Result<std::vector<Addr>> ListAddresses(
      std::optional<IpFamily> family) override;
  /// See HostNet / Sysctls; in memory.
  Status AddAddress(int ifindex, const IpAddr& addr, int prefix,
                    uint8_t proto = 0) override;
  /// See HostNet / Sysctls; in memory.
  Status DeleteAddress(int ifindex, const IpAddr& addr, int prefix) override;
  /// See HostNet / Sysctls; in memory.
  Result<int> CreateIpip(const IpipParams& params) override;
  /// See HostNet / Sysctls; in memory.
  Status DeleteLink(int ifindex) override;
  /// See HostNet / Sysctls; in memory.
  Status SetLinkUp(int ifindex, bool up) override;
  /// See HostNet / Sysctls; in memory.
  Status SetMtu(int ifindex, uint32_t mtu) override;
  /// See HostNet / Sysctls; in memory.
  Result<std::vector<Route>> DefaultRoutes(IpFamily family) override;

  /// See HostNet / Sysctls; in memory.
  Result<SysctlValue> Read(const std::string& path) override;
  /// See HostNet / Sysctls; in memory.
  Status Write(const std::string& path, const std::string& value) override;

 private:
  Status Check(const std::string& op, const std::string& what);
  Link* Find(int ifindex);
  void CopyDefaults(const std::string& dev);
  bool PathExists(const std::string& path);
  int AddLinkRaw(const std::string& name, const std::string& kind,
                 uint32_t flags, uint32_t mtu);

  std::vector<Link> links_;
  std::vector<Addr> addrs_;
  std::vector<Route> routes_;
  std::map<std::string, std::string> sysctls_;
  Sysctls* backing_ = nullptr;
  std::vector<std::pair<std::string, std::string>> failures_;
  std::vector<std::string> log_;
  int next_index_ = 2;
  bool ipip_available_ = true;
  bool ipip_loaded_ = false;
  bool fallback_tunnel_ = true;
  int fallback_index_ = 0;  ///< tunl0 made by the module: not deletable.
  /// Endpoints (local, remote, link) of ipip links, by ifindex.
  std::map<int, std::tuple<IpAddr, IpAddr, int>> ipip_;
};

}  // namespace lvsnft::netlink
