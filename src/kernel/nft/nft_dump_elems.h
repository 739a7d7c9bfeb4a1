// Decoding a GETSETELEM dump message straight into a LiveSet.
//
// libnftnl's parser builds a heap object per element (and one per counter
// expression) only for lvsnft to copy its bytes out and free it; at a few
// hundred thousand elements that is most of a dump's user time. This
// reader walks the netlink attributes with libmnl and writes the elements
// in place: the same fields libnftnl would report, nothing else.
#pragma once

#include <linux/netlink.h>

#include "kernel/live.h"

namespace lvsnft::netlink {

/// Appends the elements of one NFT_MSG_NEWSETELEM message to `set`: key,
/// key end, data or verdict (and its chain), flags; counters and timeouts
/// into `set.stats` (created at the first element that has one). False
/// when the message is malformed (what was read before stays).
bool DecodeElements(const nlmsghdr* nlh, LiveSet& set);

}  // namespace lvsnft::netlink
