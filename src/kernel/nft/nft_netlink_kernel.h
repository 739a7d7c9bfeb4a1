// The NftKernel over NETLINK_NETFILTER (libnftnl + libmnl).
#pragma once

#include <memory>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The real kernel over NETLINK_NETFILTER, in the current network namespace.
Result<std::unique_ptr<NftKernel>> OpenNftKernel();

/// Encodes a set's elements exactly as the batch will send them (and so as
/// the kernel will list them), for comparison with live elements.
Result<std::vector<RawElement>> EncodeElements(const plan::Set& s);

}  // namespace lvsnft::netlink
