#include "kernel/nft/nft_objects.h"

#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <array>
#include <new>

#include "kernel/nft/nft_fields.h"
#include "kernel/nft/nft_udata.h"

namespace lvsnft::netlink {
namespace {

template <typename T>
std::unique_ptr<T, NftnlFree> Checked(T* p) {
  if (p == nullptr) throw std::bad_alloc();
  return std::unique_ptr<T, NftnlFree>(p);
}

Status CheckComment(const std::string& what, const std::string& comment) {
  if (comment.size() <= kMaxCommentLen) return Status();
  return Status::Error(what + ": comment too long, " +
                       std::to_string(kMaxCommentLen) +
                       " characters maximum allowed");
}

// Hook number of a base chain, or -1 when the family has no such hook.
int HookNum(plan::TableFamily family, plan::Hook hook) {
  if (family == plan::TableFamily::kNetdev)
    return hook == plan::Hook::kIngress ? NF_NETDEV_INGRESS : -1;
  switch (hook) {
    case plan::Hook::kPrerouting:
      return NF_INET_PRE_ROUTING;
    case plan::Hook::kInput:
      return NF_INET_LOCAL_IN;
    case plan::Hook::kForward:
      return NF_INET_FORWARD;
    case plan::Hook::kOutput:
      return NF_INET_LOCAL_OUT;
    case plan::Hook::kPostrouting:
      return NF_INET_POST_ROUTING;
    case plan::Hook::kIngress:
      return -1;
  }
  return -1;
}

Status SetBaseChain(nftnl_chain* c, const TableId& table,
                    const plan::Chain& chain) {
  const plan::BaseChain& b = *chain.base;
  const std::string what = "chain " + chain.name;
  int hook = HookNum(table.family, b.hook);
  if (hook < 0)
    return Status::Error(what + ": hook " + plan::HookName(b.hook) +
                         " is not available in " +
                         plan::FamilyKeyword(table.family) + " tables");
  if (b.type != "filter" && b.type != "nat" && b.type != "route")
    return Status::Error(what + ": unknown chain type " + b.type);
  bool netdev = table.family == plan::TableFamily::kNetdev;
  if (netdev && b.device.empty())
    return Status::Error(what + ": netdev base chain needs a device");
  if (!netdev && !b.device.empty())
    return Status::Error(what + ": device is only valid in netdev tables");
  nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, static_cast<uint32_t>(hook));
  nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, b.priority);
  nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, b.type.c_str());
  nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
  if (netdev) nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, b.device.c_str());
  return Status();
}

Status CheckSet(const plan::Set& s) {
  const std::string what = "set " + s.name;
  if (s.key.empty()) return Status::Error(what + ": no key type");
  if (s.verdict_map && !s.data.empty())
    return Status::Error(what + ": a verdict map has no data type");
  if (TypesLen(s.key) > NFT_DATA_VALUE_MAXLEN ||
      TypesLen(s.data) > NFT_DATA_VALUE_MAXLEN)
    return Status::Error(what + ": key or data longer than 64 bytes");
  if (s.interval && s.dynamic)
    return Status::Error(what + ": dynamic interval sets are not supported");
  return CheckComment(what, s.comment);
}

void SetDescConcat(nftnl_set* set, const std::vector<plan::DataType>& key) {
  // nft's desc.field_len: unpadded byte length of each field.
  std::array<uint8_t, NFT_REG32_COUNT> lens{};
  for (size_t i = 0; i < key.size(); ++i)
    lens[i] = static_cast<uint8_t>(plan::DataTypeLen(key[i]));
  nftnl_set_set_data(set, NFTNL_SET_DESC_CONCAT, lens.data(), key.size());
}

void SetUserdata(nftnl_set* set, const std::vector<uint8_t>& udata) {
  nftnl_set_set_data(set, NFTNL_SET_USERDATA, udata.data(), udata.size());
}

}  // namespace

uint32_t Nfproto(plan::TableFamily f) {
  return f == plan::TableFamily::kInet ? NFPROTO_INET : NFPROTO_NETDEV;
}

uint32_t TypesLen(const std::vector<plan::DataType>& types) {
  if (types.size() == 1) return plan::DataTypeLen(types[0]);
  uint32_t len = 0;
  for (auto t : types) len += RegisterSpace(plan::DataTypeLen(t)) * 4;
  return len;
}

SetRef RefOf(const plan::Set& s, uint32_t id) {
  SetRef r;
  r.name = s.name;
  r.id = id;
  r.interval = s.interval;
  r.kind = s.verdict_map    ? SetRef::Kind::kVmap
           : s.data.empty() ? SetRef::Kind::kSet
                            : SetRef::Kind::kMap;
  r.key_len = TypesLen(s.key);
  r.data_len = TypesLen(s.data);
  return r;
}

uint32_t SetFlags(const plan::Set& s) {
  uint32_t flags = 0;
  if (s.interval) flags |= NFT_SET_INTERVAL;
  if (s.verdict_map || !s.data.empty()) flags |= NFT_SET_MAP;
  if (s.timeout || s.timeout_ms > 0) flags |= NFT_SET_TIMEOUT;
  if (s.dynamic) flags |= NFT_SET_EVAL;
  if (s.interval && s.key.size() > 1) flags |= NFT_SET_CONCAT;
  return flags;
}

Result<TablePtr> BuildTable(const plan::Table& t) {
  Status st = CheckComment("table " + t.name, t.comment);
  if (!st.ok()) return st;
  TablePtr table = Checked(nftnl_table_alloc());
  nftnl_table_set_u32(table.get(), NFTNL_TABLE_FAMILY, Nfproto(t.family));
  nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, t.name.c_str());
  nftnl_table_set_u32(table.get(), NFTNL_TABLE_FLAGS, 0);
  if (!t.comment.empty()) {
    auto udata = CommentUdata(NFTNL_UDATA_TABLE_COMMENT, t.comment);
    nftnl_table_set_data(table.get(), NFTNL_TABLE_USERDATA, udata.data(),
                         udata.size());
  }
  return table;
}

Result<ChainPtr> BuildChain(const TableId& table, const plan::Chain& c) {
  Status st = CheckComment("chain " + c.name, c.comment);
  if (!st.ok()) return st;
  ChainPtr chain = Checked(nftnl_chain_alloc());
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, Nfproto(table.family));
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, table.name.c_str());
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, c.name.c_str());
  if (c.base) {
    st = SetBaseChain(chain.get(), table, c);
    if (!st.ok()) return st;
  }
  if (!c.comment.empty()) {
    auto udata = CommentUdata(NFTNL_UDATA_CHAIN_COMMENT, c.comment);
    nftnl_chain_set_data(chain.get(), NFTNL_CHAIN_USERDATA, udata.data(),
                         udata.size());
  }
  return chain;
}

Result<SetPtr> BuildSet(const TableId& table, const plan::Set& s, uint32_t id) {
  Status st = CheckSet(s);
  if (!st.ok()) return st;
  SetPtr set = SetHandle(table, s.name, id);
  nftnl_set* p = set.get();
  nftnl_set_set_u32(p, NFTNL_SET_FLAGS, SetFlags(s));
  nftnl_set_set_u32(p, NFTNL_SET_KEY_TYPE, ConcatTypeId(s.key));
  nftnl_set_set_u32(p, NFTNL_SET_KEY_LEN, TypesLen(s.key));
  if (s.verdict_map) {
    nftnl_set_set_u32(p, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
    nftnl_set_set_u32(p, NFTNL_SET_DATA_LEN, 0);
  } else if (!s.data.empty()) {
    nftnl_set_set_u32(p, NFTNL_SET_DATA_TYPE, ConcatTypeId(s.data));
    nftnl_set_set_u32(p, NFTNL_SET_DATA_LEN, TypesLen(s.data));
  }
  if (s.timeout_ms > 0) nftnl_set_set_u64(p, NFTNL_SET_TIMEOUT, s.timeout_ms);
  if (s.size > 0) nftnl_set_set_u32(p, NFTNL_SET_DESC_SIZE, s.size);
  SetUserdata(p, SetUdata(s));
  if (s.interval && s.key.size() > 1) SetDescConcat(p, s.key);
  if (s.counter)
    nftnl_set_set_data(p, NFTNL_SET_EXPR,
                       Checked(nftnl_expr_alloc("counter")).release(), 0);
  return set;
}

SetPtr SetHandle(const TableId& table, const std::string& name, uint32_t id) {
  SetPtr set = Checked(nftnl_set_alloc());
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, Nfproto(table.family));
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, table.name.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, name.c_str());
  if (id != 0) nftnl_set_set_u32(set.get(), NFTNL_SET_ID, id);
  return set;
}

Result<SetWithElements> BuildAnonNatMap(const TableId& table,
                                        const std::vector<IpAddr>& addrs,
                                        uint32_t id) {
  if (addrs.empty()) return Status::Error("round robin over no address");
  const IpFamily fam = addrs[0].family;
  SetWithElements out{SetHandle(table, "__map%d", id),
                      SetHandle(table, "__map%d", id)};
  nftnl_set* p = out.decl.get();
  nftnl_set_set_u32(p, NFTNL_SET_FLAGS,
                    NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_MAP);
  nftnl_set_set_u32(p, NFTNL_SET_KEY_TYPE, 4);  // TYPE_INTEGER
  nftnl_set_set_u32(p, NFTNL_SET_KEY_LEN, 4);
  nftnl_set_set_u32(p, NFTNL_SET_DATA_TYPE, fam == IpFamily::kV4 ? 7 : 8);
  nftnl_set_set_u32(p, NFTNL_SET_DATA_LEN, addrs[0].size());
  nftnl_set_set_u32(p, NFTNL_SET_DESC_SIZE, addrs.size());
  SetUserdata(p, AnonNatMapUdata());
  for (uint32_t i = 0; i < addrs.size(); ++i) {
    if (addrs[i].family != fam)
      return Status::Error("round robin over mixed address families");
    nftnl_set_elem* e = nftnl_set_elem_alloc();
    if (e == nullptr) throw std::bad_alloc();
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &i, sizeof(i));
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, addrs[i].bytes.data(),
                       addrs[i].size());
    nftnl_set_elem_add(out.elements.get(), e);
  }
  return out;
}

}  // namespace lvsnft::netlink
