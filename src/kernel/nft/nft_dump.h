// Reading lvsnft's tables back from the kernel into a normalised form that
// can be compared with the desired state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/live.h"

struct nftnl_rule;
#include "kernel/nft/nft_socket.h"

namespace lvsnft::netlink {

/// Dumps table `name` of `family`. nullopt if it does not exist.
/// `with_elements` = false skips GETSETELEM (cheaper, for existence checks).
Result<std::optional<LiveTable>> DumpTable(NftSocket& sock,
                                           plan::TableFamily family,
                                           const std::string& name,
                                           bool with_elements = true);

/// Puts the elements of an interval set in the order lvsnft's encoder
/// builds them (ascending key; at one key an interval end first), where
/// the kernel dumps an rbtree in descending order. Deletes are sent in
/// this order: the kernel refuses (ENOENT) an interval's end deleted
/// before its start, and the snapshot (encoder order) and a full dump
/// must give the same delta.
void CanonicalOrder(LiveSet& set);

/// The rules of one chain, in order, with handles and tags.
Result<std::vector<LiveRule>> DumpChainRules(NftSocket& sock,
                                             plan::TableFamily family,
                                             const std::string& table,
                                             const std::string& chain);

/// Canonical text of a rule's expressions (shared with the desired side so
/// that both are printed the same way).
std::string CanonicalExprs(const ::nftnl_rule* r);

/// Comment stored in nft-style userdata (NFTNL_UDATA_*_COMMENT), or "".
std::string UdataComment(const void* data, uint32_t len, uint8_t type);

}  // namespace lvsnft::netlink
