// Notifications of address and link changes (a VIP removed, a device
// gone), for the daemon's drift repair of its host objects.
#pragma once

#include <memory>

#include "base/status.h"
#include "kernel/netlink_watch.h"

namespace lvsnft::netlink {

/// A NETLINK_ROUTE socket joined to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and
/// RTNLGRP_IPV6_IFADDR.
Result<std::unique_ptr<NetlinkWatch>> OpenRtnlWatch();

}  // namespace lvsnft::netlink
