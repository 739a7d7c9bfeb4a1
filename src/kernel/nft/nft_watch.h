// Notifications of nftables ruleset changes (any writer: lvsnft, nft,
// firewalld...), for the daemon's drift repair.
#pragma once

#include <memory>

#include "base/status.h"
#include "kernel/netlink_watch.h"

namespace lvsnft::netlink {

/// A NETLINK_NETFILTER socket joined to NFNLGRP_NFTABLES.
Result<std::unique_ptr<NetlinkWatch>> OpenNftWatch();

}  // namespace lvsnft::netlink
