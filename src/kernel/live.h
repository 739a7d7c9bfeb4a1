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

/// A chain name held once per process: an element's jump/goto target is
/// one of a table's few chain names, so each element keeps a 4-byte number
/// instead of its own string (32 bytes, plus a heap block for a name longer
/// than 15 characters). Names are interned into a process-wide pool that
/// only grows (bounded by the chain names ever seen, a few per service);
/// interning takes a lock, reading a name does not.
class ChainName {
 public:
  ChainName() = default;
  /// Interns `name` (the empty name is no target). Implicit, like the
  /// std::string it replaces.
  ChainName(std::string_view name) { *this = name; }  // NOLINT
  /// Interns `name`.
  ChainName(const char* name) : ChainName(std::string_view(name)) {}  // NOLINT
  /// Interns `name`.
  ChainName(const std::string& name)  // NOLINT
      : ChainName(std::string_view(name)) {}
  /// Interns `name`.
  ChainName& operator=(std::string_view name);
  /// Interns `name`.
  ChainName& operator=(const char* name) {
    return *this = std::string_view(name);
  }
  /// Interns `name`.
  ChainName& operator=(const std::string& name) {
    return *this = std::string_view(name);
  }
  /// The name ("" when none).
  const std::string& str() const;
  /// The name as a view.
  std::string_view view() const { return str(); }
  /// Reads like the std::string it replaces.
  operator const std::string&() const { return str(); }  // NOLINT
  bool empty() const { return id_ == 0; }
  /// The name's length and its NUL-terminated bytes (for encoders).
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  friend bool operator==(const ChainName& a, const ChainName& b) {
    return a.id_ == b.id_;  // interned: one number per name
  }
  friend bool operator==(const ChainName& a, std::string_view b) {
    return a.view() == b;
  }
  friend bool operator==(const ChainName& a, const std::string& b) {
    return a.view() == b;
  }
  friend bool operator==(const ChainName& a, const char* b) {
    return a.view() == b;
  }

 private:
  uint32_t id_ = 0;  ///< 0: none; else 1 + the name's place in the pool.
};

/// One element as the kernel holds it (raw key/data bytes, held inline).
/// Counters and timeouts are kept beside the elements, per set (see
/// LiveSet::stats): few sets have them.
struct LiveElement {
  SmallBytes key, key_end, data;
  int verdict = INT_MIN;  ///< NF_ACCEPT/NF_DROP/NFT_JUMP/...; INT_MIN: none.
  ChainName chain;        ///< Jump/goto target.
  uint32_t flags = 0;     ///< NFT_SET_ELEM_INTERVAL_END etc.
};

/// An element's counter and timeout, as a dump returns them.
struct ElementStats {
  uint64_t packets = 0, bytes = 0;  ///< Per-element counter, if any.
  uint64_t timeout_ms = 0;          ///< Per-element timeout (dynamic sets).
  uint64_t expires_ms = 0;          ///< Time left before it times out (dumps).
  bool has_counter = false;
  /// True when there is anything to keep.
  bool any() const { return has_counter || timeout_ms || expires_ms; }
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
  /// The elements' counters and timeouts, index for index, when a dump
  /// found any; empty otherwise (and in snapshots, which do not keep them).
  std::vector<ElementStats> stats;
  uint64_t tag = 0;  ///< lvsnft tag from userdata (0: none).
  /// Counter and timeout of element `i`, or nullptr when unknown (none
  /// dumped, or the elements changed since).
  const ElementStats* Stats(size_t i) const {
    return stats.size() == elements.size() && i < stats.size() ? &stats[i]
                                                               : nullptr;
  }
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

/// Drops the element counters and timeouts of every set (a snapshot
/// keeps what was committed, not what the traffic made of it).
void DropStats(std::vector<LiveTable>& tables);

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
