// Helpers shared by the Director's full apply (director.cc) and its
// incremental change (director_increment.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/delta.h"
#include "kernel/live.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The generation after one commit (nf_tables skips 0).
inline uint32_t NextGen(uint32_t g) { return g + 1 == 0 ? 1 : g + 1; }

/// With live tables from a snapshot, rule handles are unknown: dumps just
/// the chains whose rules change and takes the handles by position. False
/// when a chain does not match `live` (then the caller reads the kernel).
Result<bool> ResolveHandles(Delta& delta, std::vector<LiveTable>& live,
                            NftKernel& nft);

/// Adds the stale slots a transaction left in place (Delta::stale) to
/// `tables`, the kernel's tables after it.
void KeepStale(const Delta& d, std::vector<LiveTable>& tables);

/// The error of a transaction the kernel rejected.
std::string JoinErrors(const std::vector<std::string>& errors);

}  // namespace lvsnft::netlink
