// lvsnft's identity tag in nftables userdata, and raw element conversion.
#pragma once

#include <cstdint>

#include "kernel/delta.h"

struct nftnl_table;
struct nftnl_chain;
struct nftnl_set;
struct nftnl_rule;
struct nftnl_set_elem;

namespace lvsnft::netlink {

/// Appends lvsnft's tag TLV to the object's userdata (after nft's own).
void TagTable(nftnl_table* t, uint64_t tag);
void TagChain(nftnl_chain* c, uint64_t tag);
void TagSet(nftnl_set* s, uint64_t tag);
void TagRule(nftnl_rule* r, uint64_t tag);

/// A libnftnl element for a raw element; `with_data` = false for deletes
/// (the kernel identifies elements by key).
nftnl_set_elem* ToNftnl(const RawElement& r, bool with_data);

}  // namespace lvsnft::netlink
