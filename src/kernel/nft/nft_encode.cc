// EncodeElements and tagging: the bridge between the plan and what the
// kernel holds, shared by the real kernel and the offline diff.
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <cstring>

#include "kernel/nft/nft_elements.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/nft/nft_tag.h"

namespace lvsnft::netlink {

namespace {

std::vector<uint8_t> WithTag(const void* data, uint32_t len, uint64_t tag) {
  auto* p = static_cast<const uint8_t*>(data);
  std::vector<uint8_t> out(p, p + len);
  out.push_back(kTagUdataType);
  out.push_back(8);
  const auto* t = reinterpret_cast<const uint8_t*>(&tag);
  out.insert(out.end(), t, t + 8);
  return out;
}

}  // namespace

Result<std::vector<RawElement>> EncodeElements(const plan::Set& s) {
  // Raw elements point at plan elements: compact slot tables cannot be.
  // DesiredElements hands this encoder the set without them and encodes
  // the slots from the tables itself.
  if (!s.slot_tables.empty())
    return Status::Error("set " + s.name +
                         ": compact slot tables reach the plain element "
                         "encoder (DesiredElements encodes them)");
  // Encoded once, without libnftnl objects: the batch sends these bytes.
  return BuildRawElements(s, s.elements, true);
}

nftnl_set_elem* ToNftnl(const RawElement& r, bool with_data) {
  nftnl_set_elem* e = nftnl_set_elem_alloc();
  nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, r.key.data(), r.key.size());
  if (!r.key_end.empty()) {
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY_END, r.key_end.data(),
                       r.key_end.size());
  }
  if (r.flags) nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, r.flags);
  if (!with_data) return e;
  if (!r.data.empty()) {
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, r.data.data(), r.data.size());
  }
  if (r.verdict != INT_MIN) {
    nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT,
                           static_cast<uint32_t>(r.verdict));
  }
  if (!r.chain.empty())
    nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, r.chain.c_str());
  if (!r.udata.empty()) {
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, r.udata.data(),
                       r.udata.size());
  }
  return e;
}

namespace {

// Appends the tag TLV to an object's userdata through its own accessors.
template <typename Obj, typename IsSet, typename Get, typename Set>
void AppendTag(Obj* o, uint16_t attr, uint64_t tag, IsSet is_set, Get get,
               Set set) {
  uint32_t len = 0;
  const void* p = is_set(o, attr) ? get(o, attr, &len) : nullptr;
  auto u = WithTag(p, len, tag);
  set(o, attr, u.data(), static_cast<uint32_t>(u.size()));
}

}  // namespace

void TagTable(nftnl_table* t, uint64_t tag) {
  AppendTag(t, NFTNL_TABLE_USERDATA, tag, nftnl_table_is_set,
            nftnl_table_get_data, nftnl_table_set_data);
}

void TagChain(nftnl_chain* c, uint64_t tag) {
  AppendTag(c, NFTNL_CHAIN_USERDATA, tag, nftnl_chain_is_set,
            nftnl_chain_get_data, nftnl_chain_set_data);
}

void TagSet(nftnl_set* s, uint64_t tag) {
  AppendTag(s, NFTNL_SET_USERDATA, tag, nftnl_set_is_set, nftnl_set_get_data,
            nftnl_set_set_data);
}

void TagRule(nftnl_rule* r, uint64_t tag) {
  AppendTag(r, NFTNL_RULE_USERDATA, tag, nftnl_rule_is_set, nftnl_rule_get_data,
            nftnl_rule_set_data);
}

}  // namespace lvsnft::netlink
