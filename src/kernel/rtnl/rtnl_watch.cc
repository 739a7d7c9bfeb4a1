#include "kernel/rtnl/rtnl_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

namespace lvsnft::netlink {

Result<std::unique_ptr<NetlinkWatch>> OpenRtnlWatch() {
  return NetlinkWatch::Open(
      NETLINK_ROUTE, {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR});
}

}  // namespace lvsnft::netlink
