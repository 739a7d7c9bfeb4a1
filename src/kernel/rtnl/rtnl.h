// HostNet over NETLINK_ROUTE.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/host_net.h"

struct nlmsghdr;

namespace lvsnft::netlink {

class RtnlSocket;

/// HostNet over rtnetlink in the calling process's network namespace
/// (enter another one with EnterNetns first).
class RtnlHost : public HostNet {
 public:
  /// Opens and binds a NETLINK_ROUTE socket.
  static Result<std::unique_ptr<RtnlHost>> Open();
  ~RtnlHost() override;
  RtnlHost(const RtnlHost&) = delete;
  RtnlHost& operator=(const RtnlHost&) = delete;

  /// See HostNet; over rtnetlink.
  Result<std::vector<Link>> ListLinks() override;
  /// See HostNet; over rtnetlink.
  Result<std::vector<Addr>> ListAddresses(
      std::optional<IpFamily> family) override;
  /// See HostNet; over rtnetlink.
  Status AddAddress(int ifindex, const IpAddr& addr, int prefix,
                    uint8_t proto = 0) override;
  /// See HostNet; over rtnetlink.
  Status DeleteAddress(int ifindex, const IpAddr& addr, int prefix) override;
  /// See HostNet; over rtnetlink.
  Result<int> CreateIpip(const IpipParams& params) override;
  /// See HostNet; over rtnetlink.
  Status DeleteLink(int ifindex) override;
  /// See HostNet; over rtnetlink.
  Status SetLinkUp(int ifindex, bool up) override;
  /// See HostNet; over rtnetlink.
  Status SetMtu(int ifindex, uint32_t mtu) override;
  /// See HostNet; over rtnetlink.
  Result<std::vector<Route>> DefaultRoutes(IpFamily family) override;

 private:
  explicit RtnlHost(std::unique_ptr<RtnlSocket> sock);
  std::string LinkName(int ifindex);
  // Sends a change; on failure the message is what() + ": " + reason
  // (what() runs only then: it may dump links to name the device).
  Status Simple(nlmsghdr* nlh, const std::function<std::string()>& what);
  std::unique_ptr<RtnlSocket> sock_;
};

}  // namespace lvsnft::netlink
