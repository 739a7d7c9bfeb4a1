// Set and map elements encoded as nft 1.0.6 sends them.
//
// - Keys and data of concatenations: each component padded to 4 bytes.
// - Concatenated interval sets: every element carries KEY and KEY_END;
//   host-order integers (mark) are sent big endian.
// - Interval sets without concatenation: nft's segment encoding. Each
//   range [lo, hi] becomes a start element `lo` and an end element `hi+1`
//   flagged NFT_SET_ELEM_INTERVAL_END (none when hi is the largest value:
//   the start then carries the "open interval" element userdata). Ranges
//   are sorted, overlapping ranges are an error, and a new or empty set
//   whose first range does not start at 0 gets a leading end element 0.
//   Keys are big endian; map data rides on the start elements only.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/delta.h"
#include "kernel/nft/nft_handle.h"

namespace lvsnft::netlink {

/// Encodes element values as one key or data blob: a single value as is,
/// a concatenation with each component zero-padded to 4 bytes. With
/// `big_endian`, host-order integers (marks) are byte-swapped.
SmallBytes EncodeValues(const std::vector<plan::Value>& values,
                        bool big_endian);

/// Marks an element nft adds on its own (the leading interval end).
inline constexpr size_t kNoOrigin = static_cast<size_t>(-1);

/// The elements of `s` to send for `elems`, in nft's order and encoding,
/// as raw elements. `first_segment`: as for BuildElements. Each element's
/// `src` is the plan element it comes from (none for nft's leading end)
/// and `src_index` its own index in the result.
Result<std::vector<RawElement>> BuildRawElements(
    const plan::Set& s, const std::vector<plan::Element>& elems,
    bool first_segment);

/// The elements of `s` to send for `elems`, in nft's order and encoding.
/// `first_segment`: the interval set is new or empty (adds nft's leading
/// end element); ignored for other sets. `origin`, when given, receives
/// for each built element the index in `elems` it comes from.
Result<std::vector<ElemPtr>> BuildElements(
    const plan::Set& s, const std::vector<plan::Element>& elems,
    bool first_segment, std::vector<size_t>* origin = nullptr);

}  // namespace lvsnft::netlink
