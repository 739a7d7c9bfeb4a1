// Text dumps of libnftnl objects in the format of `nft --debug=netlink`.
#pragma once

#include <string>

#include "kernel/nft/nft_handle.h"

namespace lvsnft::netlink {

/// A rule as nft prints it before sending: "FAMILY TABLE CHAIN" and one
/// "  [ expr ... ]" line per expression (plus userdata), then a blank line.
std::string DebugRule(const nftnl_rule* r);

/// A chain as nft 1.0.6 prints it: nft dumps the chain object before it
/// adds table, name and policy (it writes those attributes by hand), so
/// they are left out here too.
std::string DebugChain(const nftnl_chain* c);

/// A set declaration ("NAME TABLE FLAGS [timeout] [size]").
std::string DebugSet(const nftnl_set* s);

/// An element message as nft prints it: the set named by `s` (flags 0)
/// followed by one tab-separated entry per element attached to `s`.
std::string DebugElements(const nftnl_set* s);

}  // namespace lvsnft::netlink
