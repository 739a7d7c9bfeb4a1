#include "kernel/nft/nft_dump.h"

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "kernel/delta.h"
#include "kernel/nft/nft_dump_elems.h"
#include "kernel/nft/nft_objects.h"

namespace lvsnft::netlink {

namespace {

std::string Str(const char* s) { return s ? s : ""; }

int CounterCb(nftnl_expr* e, void* data) {
  if (std::strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
    auto* out = static_cast<ElementStats*>(data);
    out->has_counter = true;
    out->packets += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
    out->bytes += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
  }
  return 0;
}

int SetExprCb(nftnl_expr* e, void* data) {
  if (std::strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
    *static_cast<bool*>(data) = true;
  }
  return 0;
}

LiveSet ParseSet(nftnl_set* s) {
  LiveSet out;
  out.name = Str(nftnl_set_get_str(s, NFTNL_SET_NAME));
  out.handle = nftnl_set_get_u64(s, NFTNL_SET_HANDLE);
  out.flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
  out.key_type = nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE);
  out.key_len = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
  if (nftnl_set_is_set(s, NFTNL_SET_DATA_TYPE)) {
    out.data_type = nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE);
    out.data_len = nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN);
  }
  if (nftnl_set_is_set(s, NFTNL_SET_TIMEOUT)) {
    out.timeout_ms = nftnl_set_get_u64(s, NFTNL_SET_TIMEOUT);
  }
  if (nftnl_set_is_set(s, NFTNL_SET_DESC_SIZE)) {
    out.size = nftnl_set_get_u32(s, NFTNL_SET_DESC_SIZE);
  }
  if (nftnl_set_is_set(s, NFTNL_SET_USERDATA)) {
    uint32_t len = 0;
    const void* p = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
    out.comment = UdataComment(p, len, NFTNL_UDATA_SET_COMMENT);
    out.tag = UdataTag(p, len);
  }
  nftnl_set_expr_foreach(s, SetExprCb, &out.counter);
  return out;
}

LiveChain ParseChain(nftnl_chain* c) {
  LiveChain out;
  out.name = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
  out.handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
    out.base = true;
    out.hooknum = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
    out.priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
    out.type = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
    out.policy = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY);
    if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV)) {
      out.device = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
    }
  }
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) {
    uint32_t len = 0;
    const void* p = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
    out.comment = UdataComment(p, len, NFTNL_UDATA_CHAIN_COMMENT);
    out.tag = UdataTag(p, len);
  }
  return out;
}

LiveRule ParseRule(nftnl_rule* r) {
  LiveRule out;
  out.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
  out.canon = CanonicalExprs(r);
  if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
    uint32_t len = 0;
    const void* p = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
    out.comment = UdataComment(p, len, NFTNL_UDATA_RULE_COMMENT);
    out.tag = UdataTag(p, len);
  }
  ElementStats counters;
  nftnl_expr_foreach(r, CounterCb, &counters);
  out.packets = counters.packets;
  out.bytes = counters.bytes;
  return out;
}

}  // namespace

std::string UdataComment(const void* data, uint32_t len, uint8_t type) {
  std::string out;
  // TLV list: 1 byte type, 1 byte length, value.
  auto* p = static_cast<const uint8_t*>(data);
  for (uint32_t i = 0; i + 2 <= len;) {
    uint8_t t = p[i], l = p[i + 1];
    if (i + 2 + l > len) break;
    if (t == type) {
      out.assign(reinterpret_cast<const char*>(p + i + 2), l);
      while (!out.empty() && out.back() == '\0') out.pop_back();
    }
    i += 2 + l;
  }
  return out;
}

std::string CanonicalExprs(const nftnl_rule* r) {
  std::string out;
  nftnl_expr_iter* it = nftnl_expr_iter_create(r);
  char buf[4096];
  for (nftnl_expr* e = nftnl_expr_iter_next(it); e;
       e = nftnl_expr_iter_next(it)) {
    const char* name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
    // Counter values are state, not configuration.
    if (std::strcmp(name, "counter") == 0) {
      out += "[ counter ]\n";
      continue;
    }
    nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0);
    out += std::string("[ ") + name + " " + buf + "]\n";
  }
  nftnl_expr_iter_destroy(it);
  return out;
}

}  // namespace lvsnft::netlink

namespace lvsnft::netlink {

namespace {

// Builds a GET request for objects of `table`; `obj` carries the filter.
template <typename Obj, typename Build>
nlmsghdr* Request(char* buf, uint16_t type, plan::TableFamily family,
                  uint16_t flags, uint32_t seq, Obj* obj, Build build_payload) {
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, type, Nfproto(family), flags, seq);
  build_payload(nlh, obj);
  return nlh;
}

Status DumpElements(NftSocket& sock, plan::TableFamily family,
                    const std::string& table, LiveSet& set) {
  nftnl_set* filter = nftnl_set_alloc();
  nftnl_set_set_str(filter, NFTNL_SET_TABLE, table.c_str());
  nftnl_set_set_str(filter, NFTNL_SET_NAME, set.name.c_str());
  Status st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETSETELEM, family, NLM_F_DUMP, seq, filter,
                       nftnl_set_elems_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) { DecodeElements(nlh, set); },
      [&] {
        set.elements.clear();
        set.stats.clear();
      });
  nftnl_set_free(filter);
  if (st.ok()) CanonicalOrder(set);
  // The dump may be kept (a daemon's snapshot): no room left from growth.
  set.elements.shrink_to_fit();
  set.stats.shrink_to_fit();
  return st;
}

}  // namespace

void CanonicalOrder(LiveSet& set) {
  if (!(set.flags & NFT_SET_INTERVAL) || (set.flags & NFT_SET_CONCAT)) return;
  // Keys are big endian here: byte order is value order. At one key an
  // interval's end comes before the start of the interval it adjoins.
  auto start = [](const LiveElement& e) {
    return (e.flags & NFT_SET_ELEM_INTERVAL_END) == 0;
  };
  auto before = [&](const LiveElement& a, const LiveElement& b) {
    if (a.key != b.key) return a.key < b.key;
    return start(a) < start(b);
  };
  if (set.stats.empty()) {
    std::stable_sort(set.elements.begin(), set.elements.end(), before);
    return;
  }
  // The side table follows its elements.
  std::vector<size_t> order(set.elements.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return before(set.elements[a], set.elements[b]);
  });
  std::vector<LiveElement> els;
  std::vector<ElementStats> stats;
  els.reserve(order.size());
  stats.reserve(order.size());
  for (size_t i : order) {
    els.push_back(std::move(set.elements[i]));
    stats.push_back(set.stats[i]);
  }
  set.elements = std::move(els);
  set.stats = std::move(stats);
}

namespace {

Status DumpSets(NftSocket& sock, LiveTable& t, bool with_elements) {
  nftnl_set* filter = nftnl_set_alloc();
  nftnl_set_set_str(filter, NFTNL_SET_TABLE, t.name.c_str());
  Status st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETSET, t.family, NLM_F_DUMP, seq, filter,
                       nftnl_set_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_set* s = nftnl_set_alloc();
        if (nftnl_set_nlmsg_parse(nlh, s) == 0 &&
            Str(nftnl_set_get_str(s, NFTNL_SET_TABLE)) == t.name) {
          t.sets.push_back(ParseSet(s));
        }
        nftnl_set_free(s);
      },
      [&] { t.sets.clear(); });
  nftnl_set_free(filter);
  if (!st.ok() || !with_elements) return st;
  for (auto& set : t.sets) {
    st = DumpElements(sock, t.family, t.name, set);
    if (!st.ok()) return st;
  }
  return st;
}

Status DumpChainsAndRules(NftSocket& sock, LiveTable& t) {
  nftnl_chain* cf = nftnl_chain_alloc();
  nftnl_chain_set_str(cf, NFTNL_CHAIN_TABLE, t.name.c_str());
  Status st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETCHAIN, t.family, NLM_F_DUMP, seq, cf,
                       nftnl_chain_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_chain* c = nftnl_chain_alloc();
        if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
            Str(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)) == t.name) {
          t.chains.push_back(ParseChain(c));
        }
        nftnl_chain_free(c);
      },
      [&] { t.chains.clear(); });
  nftnl_chain_free(cf);
  if (!st.ok()) return st;
  std::map<std::string, LiveChain*> by_name;
  for (auto& c : t.chains) by_name[c.name] = &c;
  nftnl_rule* rf = nftnl_rule_alloc();
  nftnl_rule_set_str(rf, NFTNL_RULE_TABLE, t.name.c_str());
  st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETRULE, t.family, NLM_F_DUMP, seq, rf,
                       nftnl_rule_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_rule* r = nftnl_rule_alloc();
        if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
            Str(nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) == t.name) {
          auto it = by_name.find(Str(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)));
          if (it != by_name.end()) it->second->rules.push_back(ParseRule(r));
        }
        nftnl_rule_free(r);
      },
      [&] {
        for (auto& c : t.chains) c.rules.clear();
      });
  nftnl_rule_free(rf);
  return st;
}

}  // namespace

Result<std::optional<LiveTable>> DumpTable(NftSocket& sock,
                                           plan::TableFamily family,
                                           const std::string& name,
                                           bool with_elements) {
  std::optional<LiveTable> found;
  nftnl_table* tf = nftnl_table_alloc();
  nftnl_table_set_str(tf, NFTNL_TABLE_NAME, name.c_str());
  Status st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETTABLE, family, NLM_F_DUMP, seq, tf,
                       nftnl_table_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_table* t = nftnl_table_alloc();
        if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
            Str(nftnl_table_get_str(t, NFTNL_TABLE_NAME)) == name &&
            nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY) == Nfproto(family)) {
          LiveTable lt;
          lt.family = family;
          lt.name = name;
          lt.handle = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
          lt.flags = nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS);
          if (nftnl_table_is_set(t, NFTNL_TABLE_USERDATA)) {
            uint32_t len = 0;
            const void* p = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
            lt.comment = UdataComment(p, len, NFTNL_UDATA_TABLE_COMMENT);
            lt.tag = UdataTag(p, len);
          }
          found = std::move(lt);
        }
        nftnl_table_free(t);
      },
      [&] { found.reset(); });
  nftnl_table_free(tf);
  if (!st.ok()) return st;
  if (!found) return found;
  st = DumpChainsAndRules(sock, *found);
  if (st.ok()) st = DumpSets(sock, *found, with_elements);
  if (!st.ok()) return st;
  return found;
}

Result<std::vector<LiveRule>> DumpChainRules(NftSocket& sock,
                                             plan::TableFamily family,
                                             const std::string& table,
                                             const std::string& chain) {
  std::vector<LiveRule> out;
  nftnl_rule* rf = nftnl_rule_alloc();
  nftnl_rule_set_str(rf, NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(rf, NFTNL_RULE_CHAIN, chain.c_str());
  Status st = sock.Dump(
      [&](char* buf, uint32_t seq) {
        return Request(buf, NFT_MSG_GETRULE, family, NLM_F_DUMP, seq, rf,
                       nftnl_rule_nlmsg_build_payload);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_rule* r = nftnl_rule_alloc();
        if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
            Str(nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) == table &&
            Str(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)) == chain) {
          out.push_back(ParseRule(r));
        }
        nftnl_rule_free(r);
      },
      [&] { out.clear(); });
  nftnl_rule_free(rf);
  if (!st.ok()) return st;
  return out;
}

}  // namespace lvsnft::netlink
