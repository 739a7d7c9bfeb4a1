#include "kernel/nft/nft_dump_elems.h"

#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cstring>

namespace lvsnft::netlink {

namespace {

// Calls `f` for each well-formed attribute in `len` bytes at `start`.
template <typename F>
void ForEach(const void* start, size_t len, F f) {
  auto* a = static_cast<const nlattr*>(start);
  int left = static_cast<int>(len);
  while (mnl_attr_ok(a, left)) {
    f(a);
    left -= MNL_ALIGN(a->nla_len);
    a = mnl_attr_next(a);
  }
}

// Calls `f` for each attribute nested in `nest`.
template <typename F>
void ForEachNested(const nlattr* nest, F f) {
  ForEach(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), f);
}

// Attributes of one nesting level, by type (types beyond `max` ignored).
template <int max>
struct Attrs {
  const nlattr* at[max + 1] = {};
  void Parse(const nlattr* nest) {
    ForEachNested(nest, [&](const nlattr* a) {
      uint16_t t = mnl_attr_get_type(a);
      if (t <= max) at[t] = a;
    });
  }
  const nlattr* operator[](int t) const { return at[t]; }
};

uint64_t Be64(const nlattr* a) {
  if (mnl_attr_get_payload_len(a) < 8) return 0;
  uint64_t v;
  std::memcpy(&v, mnl_attr_get_payload(a), 8);
  return be64toh(v);
}

uint32_t Be32(const nlattr* a) {
  if (mnl_attr_get_payload_len(a) < 4) return 0;
  uint32_t v;
  std::memcpy(&v, mnl_attr_get_payload(a), 4);
  return be32toh(v);
}

// NFTA_DATA_VALUE of a nested data attribute, as bytes.
void Value(const nlattr* nest, SmallBytes& out) {
  Attrs<NFTA_DATA_MAX> d;
  d.Parse(nest);
  if (const nlattr* v = d[NFTA_DATA_VALUE]) {
    out.Assign(static_cast<const uint8_t*>(mnl_attr_get_payload(v)),
               mnl_attr_get_payload_len(v));
  }
}

// Element data: a value, or a verdict with its chain.
void Data(const nlattr* nest, LiveElement& e) {
  Attrs<NFTA_DATA_MAX> d;
  d.Parse(nest);
  if (const nlattr* v = d[NFTA_DATA_VALUE]) {
    e.data.Assign(static_cast<const uint8_t*>(mnl_attr_get_payload(v)),
                  mnl_attr_get_payload_len(v));
  }
  if (const nlattr* v = d[NFTA_DATA_VERDICT]) {
    Attrs<NFTA_VERDICT_MAX> vd;
    vd.Parse(v);
    if (vd[NFTA_VERDICT_CODE])
      e.verdict = static_cast<int>(Be32(vd[NFTA_VERDICT_CODE]));
    if (const nlattr* c = vd[NFTA_VERDICT_CHAIN]) {
      const char* s = static_cast<const char*>(mnl_attr_get_payload(c));
      e.chain = std::string_view(s, strnlen(s, mnl_attr_get_payload_len(c)));
    }
  }
}

// A counter expression's values (other expressions are not state).
void Expr(const nlattr* nest, ElementStats& st) {
  Attrs<NFTA_EXPR_MAX> x;
  x.Parse(nest);
  const nlattr* name = x[NFTA_EXPR_NAME];
  if (!name || !x[NFTA_EXPR_DATA]) return;
  if (std::strncmp(static_cast<const char*>(mnl_attr_get_payload(name)),
                   "counter", mnl_attr_get_payload_len(name)) != 0)
    return;
  Attrs<NFTA_COUNTER_MAX> c;
  c.Parse(x[NFTA_EXPR_DATA]);
  st.has_counter = true;
  if (c[NFTA_COUNTER_PACKETS]) st.packets += Be64(c[NFTA_COUNTER_PACKETS]);
  if (c[NFTA_COUNTER_BYTES]) st.bytes += Be64(c[NFTA_COUNTER_BYTES]);
}

void Element(const nlattr* nest, LiveSet& set) {
  Attrs<NFTA_SET_ELEM_MAX> a;
  a.Parse(nest);
  LiveElement e;
  ElementStats st;
  if (a[NFTA_SET_ELEM_KEY]) Value(a[NFTA_SET_ELEM_KEY], e.key);
  if (a[NFTA_SET_ELEM_KEY_END]) Value(a[NFTA_SET_ELEM_KEY_END], e.key_end);
  if (a[NFTA_SET_ELEM_DATA]) Data(a[NFTA_SET_ELEM_DATA], e);
  if (a[NFTA_SET_ELEM_FLAGS]) e.flags = Be32(a[NFTA_SET_ELEM_FLAGS]);
  if (a[NFTA_SET_ELEM_TIMEOUT]) st.timeout_ms = Be64(a[NFTA_SET_ELEM_TIMEOUT]);
  if (a[NFTA_SET_ELEM_EXPIRATION])
    st.expires_ms = Be64(a[NFTA_SET_ELEM_EXPIRATION]);
  if (a[NFTA_SET_ELEM_EXPR]) Expr(a[NFTA_SET_ELEM_EXPR], st);
  if (const nlattr* list = a[NFTA_SET_ELEM_EXPRESSIONS]) {
    ForEachNested(list, [&](const nlattr* x) {
      if (mnl_attr_get_type(x) == NFTA_LIST_ELEM) Expr(x, st);
    });
  }
  if (st.any() || !set.stats.empty()) {
    set.stats.resize(set.elements.size());
    set.stats.push_back(st);
  }
  set.elements.push_back(std::move(e));
}

}  // namespace

bool DecodeElements(const nlmsghdr* nlh, LiveSet& set) {
  const size_t head = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nfgenmsg));
  if (nlh->nlmsg_len < head) return false;
  const nlattr* list = nullptr;
  ForEach(mnl_nlmsg_get_payload_offset(nlh, sizeof(nfgenmsg)),
          nlh->nlmsg_len - head, [&](const nlattr* a) {
            if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_ELEMENTS) list = a;
          });
  if (!list) return true;  // a set with no elements
  // Each element is a nest of its own: the kernel's dumps type them
  // NFTA_LIST_ELEM, libnftnl's requests number them; either is read.
  ForEachNested(list, [&](const nlattr* el) { Element(el, set); });
  return true;
}

}  // namespace lvsnft::netlink
