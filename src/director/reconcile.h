// Reconciliation: what must change in the kernel to go from the live
// lvsnft tables to the desired plan. Pure: no sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/delta.h"

namespace lvsnft::netlink {

/// Encodes a plan set's elements the way the kernel will hold them.
using ElementEncoder =
    std::function<Result<std::vector<RawElement>>(const plan::Set&)>;

/// The elements of plan set `s` as the kernel will hold them, in order:
/// its plain elements through `enc`, then the elements of its slot tables,
/// encoded from the compact tables (no plan element is made per slot).
Result<std::vector<RawElement>> DesiredElements(const plan::Set& s,
                                                const ElementEncoder& enc);

/// Computes tags and raw elements for a plan table. `ifindex` resolves the
/// devices of fwd statements (a changed ifindex changes the rule's tag).
/// Without `with_elements`, only the tags: the elements are left to
/// Reconcile's per-set mode.
Result<DesiredTable> ToDesired(const plan::Table& t, const ElementEncoder& enc,
                               const std::map<std::string, uint32_t>& ifindex,
                               bool with_elements = true);

/// The live form of a desired table (as the kernel holds it right after
/// a transaction that made it so); rule handles are unknown (0).
LiveTable LiveFromDesired(const DesiredTable& d);
/// The same, taking the desired elements' bytes (`d` keeps no elements).
LiveTable LiveFromDesired(DesiredTable&& d);

/// Moves the delta's collectable stale slots into its changes (in batch
/// order), so that apply's one transaction removes them.
void CollectStale(Delta& d);

/// Compares desired tables with the live lvsnft tables (same family+name).
/// A live table without lvsnft's owner tag is an error: it is not ours.
/// With `per_set`, the desired tables hold no elements (ToDesired without
/// them): each set's are encoded by it when that set is compared and
/// dropped after, so they are never all alive at once; the changes then
/// own their elements (no Change::whole_set) and need no desired elements
/// to outlive them. `per_set` must outlive the call only.
Result<Delta> Reconcile(const std::vector<DesiredTable>& desired,
                        const std::vector<LiveTable>& live,
                        const ElementEncoder* per_set = nullptr);

/// Longest common subsequence of two tag lists (tag 0 never matches):
/// the (index in a, index in b) pairs that are kept.
std::vector<std::pair<size_t, size_t>> MatchTags(
    const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

/// True when a live table may be changed by lvsnft: it carries lvsnft's
/// tag or comment, or no comment at all (compile output loaded with
/// `nft -j -f`, whose JSON parser drops table comments).
bool Owned(const LiveTable& t);

}  // namespace lvsnft::netlink
