// Reading lvsnft's tables back from the kernel into a normalised form that
// can be compared with the desired state.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "compiler/plan.h"

namespace lvsnft::netlink {

/// One element as the kernel holds it (raw key/data bytes, held inline).
struct LiveElement {
  SmallBytes key, key_end, data;
  int verdict = INT_MIN;  ///< NF_ACCEPT/NF_DROP/NFT_JUMP/...; INT_MIN: none.
  std::string chain;      ///< Jump/goto target.
  uint32_t flags = 0;     ///< NFT_SET_ELEM_INTERVAL_END etc.
  uint64_t packets = 0, bytes = 0;  ///< Per-element counter, if any.
  bool has_counter = false;
  uint64_t timeout_ms = 0;  ///< Per-element timeout (dynamic sets).
  uint64_t expires_ms = 0;  ///< Time left before it times out (dumps).
};

/// A set or map.
struct LiveSet {
  std::string name;
  uint64_t handle = 0;
  uint32_t flags = 0, key_type = 0, key_len = 0, data_type = 0, data_len = 0;
  uint64_t timeout_ms = 0;
  uint32_t size = 0;
  bool counter = false;  ///< Has a counter set expression.
  std::string comment;
  std::vector<uint8_t> field_lens;  ///< Concatenation field lengths.
  std::vector<LiveElement> elements;
  uint64_t tag = 0;  ///< lvsnft tag from userdata (0: none).
};

/// A rule: handle plus a canonical text of its expressions.
struct LiveRule {
  uint64_t handle = 0;
  std::string canon;  ///< Expressions as libnftnl prints them, counters zeroed.
  std::string comment;              ///< From rule userdata.
  uint64_t packets = 0, bytes = 0;  ///< Sum of its counter expressions.
  uint64_t tag = 0;                 ///< lvsnft tag from userdata (0: none).
};

/// A chain with its rules in order.
struct LiveChain {
  std::string name;
  uint64_t handle = 0;
  bool base = false;
  std::string type, device;
  uint32_t hooknum = 0, policy = 0;
  int32_t priority = 0;
  std::string comment;
  std::vector<LiveRule> rules;
  uint64_t tag = 0;  ///< lvsnft tag from userdata (0: none).
};

/// A table with everything in it.
struct LiveTable {
  plan::TableFamily family = plan::TableFamily::kInet;
  std::string name;
  uint64_t handle = 0;
  uint32_t flags = 0;
  std::string comment;
  std::vector<LiveSet> sets;
  std::vector<LiveChain> chains;
  uint64_t tag = 0;  ///< lvsnft tag from userdata (0: none).
};

/// The table of `family` called `name` in `tables`, or nullptr.
const LiveTable* FindTable(const std::vector<LiveTable>& tables,
                           plan::TableFamily family, std::string_view name);
/// Mutable variant of FindTable.
LiveTable* FindTable(std::vector<LiveTable>& tables, plan::TableFamily family,
                     std::string_view name);
/// The set of `t` called `name`, or nullptr.
const LiveSet* FindSet(const LiveTable& t, std::string_view name);
/// Mutable variant of FindSet.
LiveSet* FindSet(LiveTable& t, std::string_view name);
/// The chain of `t` called `name`, or nullptr.
const LiveChain* FindChain(const LiveTable& t, std::string_view name);
/// Mutable variant of FindChain.
LiveChain* FindChain(LiveTable& t, std::string_view name);

}  // namespace lvsnft::netlink
