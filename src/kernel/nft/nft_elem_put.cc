#include "kernel/nft/nft_elem_put.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>

namespace lvsnft::netlink {
namespace {

constexpr size_t kHdr = MNL_ATTR_HDRLEN;

constexpr size_t Attr(size_t payload) { return kHdr + MNL_ALIGN(payload); }

// A value nested in `type`: NFTA_DATA_VALUE inside.
size_t ValueSize(size_t len) { return kHdr + Attr(len); }

template <typename Bytes>
void PutValue(nlmsghdr* nlh, uint16_t type, const Bytes& b) {
  nlattr* nest = mnl_attr_nest_start(nlh, type);
  mnl_attr_put(nlh, NFTA_DATA_VALUE, b.size(), b.data());
  mnl_attr_nest_end(nlh, nest);
}

bool HasVerdict(const RawElement& r) { return r.verdict != INT_MIN; }

}  // namespace

size_t ElementEntrySize(const RawElement& r, bool with_data) {
  size_t n = kHdr + ValueSize(r.key.size());
  if (r.flags) n += Attr(sizeof(uint32_t));
  if (!r.key_end.empty()) n += ValueSize(r.key_end.size());
  if (!with_data) return n;
  if (HasVerdict(r)) {
    n += 2 * kHdr + Attr(sizeof(uint32_t));
    if (!r.chain.empty()) n += Attr(r.chain.size() + 1);
  }
  if (!r.data.empty()) n += ValueSize(r.data.size());
  if (!r.udata.empty()) n += Attr(r.udata.size());
  return n;
}

void PutElementEntry(nlmsghdr* nlh, uint16_t index, const RawElement& r,
                     bool with_data) {
  nlattr* entry = mnl_attr_nest_start(nlh, index);
  if (r.flags) mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS, htonl(r.flags));
  PutValue(nlh, NFTA_SET_ELEM_KEY, r.key);
  if (!r.key_end.empty()) PutValue(nlh, NFTA_SET_ELEM_KEY_END, r.key_end);
  if (with_data) {
    if (HasVerdict(r)) {
      nlattr* data = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_DATA);
      nlattr* verdict = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);
      mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE,
                       htonl(static_cast<uint32_t>(r.verdict)));
      if (!r.chain.empty())
        mnl_attr_put_strz(nlh, NFTA_VERDICT_CHAIN, r.chain.c_str());
      mnl_attr_nest_end(nlh, verdict);
      mnl_attr_nest_end(nlh, data);
    }
    if (!r.data.empty()) PutValue(nlh, NFTA_SET_ELEM_DATA, r.data);
    if (!r.udata.empty())
      mnl_attr_put(nlh, NFTA_SET_ELEM_USERDATA, r.udata.size(), r.udata.data());
  }
  mnl_attr_nest_end(nlh, entry);
}

}  // namespace lvsnft::netlink
