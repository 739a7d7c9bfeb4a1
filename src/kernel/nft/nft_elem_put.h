// Set elements written straight into a netlink message with libmnl, with
// no libnftnl element object in between. The attributes and their order
// are those libnftnl 1.2.4's nftnl_set_elem_nlmsg_build_payload writes
// for the same element: FLAGS, KEY, KEY_END, DATA (a verdict with its
// chain, or a value), USERDATA. The unit test nft_elem_put_test compares
// the bytes with libnftnl's for every kind of element lvsnft sends.
#pragma once

#include <cstddef>

#include "kernel/delta.h"

struct nlmsghdr;

namespace lvsnft::netlink {

/// Bytes one list entry of `r` takes (its nest header included), so a
/// writer can tell before writing whether it still fits a message.
/// `with_data` = false: key, key end and flags only (deletes).
size_t ElementEntrySize(const RawElement& r, bool with_data);

/// Appends `r` as list entry `index` (1-based nest type, as libnftnl
/// numbers them) to the NFTA_SET_ELEM_LIST_ELEMENTS nest open in `nlh`.
/// The caller makes sure ElementEntrySize bytes fit.
void PutElementEntry(nlmsghdr* nlh, uint16_t index, const RawElement& r,
                     bool with_data);

}  // namespace lvsnft::netlink
