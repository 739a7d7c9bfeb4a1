// Plan tables as batch operations, in the order nft 1.0.6 emits the same
// table written as one `table ... { }` block: the table, every chain
// (empty), every set with its elements, then the rules chain by chain,
// each rule preceded by the anonymous sets it uses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/nft/nft_batch.h"

namespace lvsnft::netlink {

/// Hands out NFTA_SET_ID values, unique within one batch.
class SetIds {
 public:
  /// The next id (1, 2, ...).
  uint32_t Next() { return ++last_; }

 private:
  uint32_t last_ = 0;
};

/// Interface index of a device name; nullopt when there is no such device.
using IfindexFn = std::function<std::optional<uint32_t>(const std::string&)>;

/// Operations that create `t` from nothing, with descriptions naming the
/// owning service / real server for error messages.
Result<std::vector<Op>> CreateTableOps(const plan::Table& t,
                                       const IfindexFn& ifindex, SetIds& ids);

/// The operations rendered as `nft --debug=netlink` prints the same
/// commands (chains, sets, elements, rules; nft prints no tables).
std::string DebugOps(const std::vector<Op>& ops);

}  // namespace lvsnft::netlink
