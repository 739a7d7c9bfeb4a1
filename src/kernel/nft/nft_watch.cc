#include "kernel/nft/nft_watch.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

namespace lvsnft::netlink {

Result<std::unique_ptr<NetlinkWatch>> OpenNftWatch() {
  return NetlinkWatch::Open(NETLINK_NETFILTER, {NFNLGRP_NFTABLES});
}

}  // namespace lvsnft::netlink
