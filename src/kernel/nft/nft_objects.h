// libnftnl objects for plan tables, chains and sets, with the attributes
// nft 1.0.6 sends for the equivalent `nft -f` text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/nft/nft_handle.h"
#include "kernel/nft/nft_linearize.h"

namespace lvsnft::netlink {

/// The table an object belongs to.
struct TableId {
  plan::TableFamily family = plan::TableFamily::kInet;  ///< inet or netdev.
  std::string name;                                     ///< Table name.
};

/// NFPROTO_INET or NFPROTO_NETDEV.
uint32_t Nfproto(plan::TableFamily f);

/// The table with its family, flags 0 and the comment as userdata.
Result<TablePtr> BuildTable(const plan::Table& t);

/// A chain; base chains get type, hook, priority, policy accept and, for
/// netdev ingress, the device. The comment goes into userdata.
Result<ChainPtr> BuildChain(const TableId& table, const plan::Chain& c);

/// The declaration of a named set or map (no elements). `id` is the
/// NFTA_SET_ID rules and element messages of the same batch refer to.
Result<SetPtr> BuildSet(const TableId& table, const plan::Set& s, uint32_t id);

/// A set declaration and, separately, its elements (what NEWSET and
/// NEWSETELEM carry).
struct SetWithElements {
  SetPtr decl;      ///< The declaration (NEWSET).
  SetPtr elements;  ///< Set handle (table, name, id) with the elements.
};

/// nft's anonymous map `numgen inc mod N map { 0 : A0, ... }` (named
/// "__map%d", the kernel picks the number) with its elements.
Result<SetWithElements> BuildAnonNatMap(const TableId& table,
                                        const std::vector<IpAddr>& addrs,
                                        uint32_t id);

/// A set object that only names a set (table, name, id): what element and
/// delete messages carry.
SetPtr SetHandle(const TableId& table, const std::string& name, uint32_t id);

/// NFT_SET_* flags nft computes for `s`.
uint32_t SetFlags(const plan::Set& s);

/// How rules see the set `s` created with NFTA_SET_ID `id`.
SetRef RefOf(const plan::Set& s, uint32_t id);

/// Key length in bytes as declared (padded sum for concatenations).
uint32_t TypesLen(const std::vector<plan::DataType>& types);

}  // namespace lvsnft::netlink
