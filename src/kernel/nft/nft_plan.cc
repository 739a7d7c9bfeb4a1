#include "kernel/nft/nft_plan.h"

#include <map>
#include <new>

#include "kernel/nft/nft_debug.h"
#include "kernel/nft/nft_elements.h"
#include "kernel/nft/nft_rule.h"
#include "kernel/nft/nft_tag.h"

namespace lvsnft::netlink {
namespace {

std::string WithOwner(std::string what, const std::string& owner) {
  return owner.empty() ? what : what + " (" + owner + ")";
}

Status AddSetOps(const TableId& tid, const std::string& prefix,
                 const plan::Set& s, uint32_t id, std::vector<Op>* ops) {
  auto decl = BuildSet(tid, s, id);
  if (!decl.ok()) return decl.status();
  ops->push_back(AddSet(std::move(*decl), "set " + prefix + s.name));
  if (!s.slot_tables.empty())
    return Status::Error(
        "set " + prefix + s.name +
        ": compact slot tables; CreateTableOps sends plain elements only "
        "(expand them with plan::ExpandSlotTables first)");
  if (s.elements.empty()) return Status();
  auto elems = BuildRawElements(s, s.elements, true);
  if (!elems.ok()) return elems.status();
  ops->push_back(AddRawElements(
      SetHandle(tid, s.name, id), "elements of set " + prefix + s.name,
      std::make_shared<const std::vector<RawElement>>(std::move(*elems))));
  return Status();
}

Status AddRuleOps(const std::string& prefix, const plan::Chain& c,
                  const RuleEnv& env, std::vector<Op>* ops) {
  for (size_t i = 0; i < c.rules.size(); ++i) {
    const plan::Rule& r = c.rules[i];
    auto lowered = LowerRule(r, env);
    if (!lowered.ok()) return lowered.status();
    std::string where = "chain " + prefix + c.name;
    for (auto& anon : lowered->anon_sets) {
      ops->push_back(AddSet(std::move(anon.decl), "anonymous map in " + where));
      ops->push_back(AddElements(std::move(anon.elements),
                                 "anonymous map elements in " + where));
    }
    std::string what = "rule " + std::to_string(i + 1) + " of " + where;
    if (!r.comment.empty()) what += " \"" + r.comment + "\"";
    ops->push_back(AddRule(std::move(lowered->rule),
                           WithOwner(what, OwnerText(r.service))));
  }
  return Status();
}

}  // namespace

Result<std::vector<Op>> CreateTableOps(const plan::Table& t,
                                       const IfindexFn& ifindex, SetIds& ids) {
  const TableId tid{t.family, t.name};
  const std::string prefix =
      std::string(plan::FamilyKeyword(t.family)) + " " + t.name + " ";
  std::vector<Op> ops;
  auto table = BuildTable(t);
  if (!table.ok()) return table.status();
  ops.push_back(AddTable(std::move(*table), "table " + prefix));
  for (const auto& c : t.chains) {
    auto chain = BuildChain(tid, c);
    if (!chain.ok()) return chain.status();
    ops.push_back(
        AddChain(std::move(*chain),
                 WithOwner("chain " + prefix + c.name, OwnerText(c.service))));
  }
  std::map<std::string, SetRef> refs;
  for (const auto& s : t.sets) {
    uint32_t id = ids.Next();
    refs[s.name] = RefOf(s, id);
    Status st = AddSetOps(tid, prefix, s, id, &ops);
    if (!st.ok()) return st;
  }
  RuleEnv env;
  env.table = tid;
  env.find_set = [&refs](const std::string& name) -> const SetRef* {
    auto it = refs.find(name);
    return it == refs.end() ? nullptr : &it->second;
  };
  env.ifindex = ifindex;
  env.next_set_id = [&ids] { return ids.Next(); };
  for (const auto& c : t.chains) {
    env.chain = c.name;
    Status st = AddRuleOps(prefix, c, env, &ops);
    if (!st.ok()) return st;
  }
  return ops;
}

namespace {

// Raw element ops carry no libnftnl elements: print libnftnl's form of
// them on a copy of the set's name attributes.
std::string DebugRawElements(const Op& op) {
  const nftnl_set* from = std::get<SetPtr>(op.object).get();
  SetPtr copy(nftnl_set_alloc());
  if (!copy) throw std::bad_alloc();
  for (uint16_t attr : {NFTNL_SET_TABLE, NFTNL_SET_NAME}) {
    if (nftnl_set_is_set(from, attr))
      nftnl_set_set_str(copy.get(), attr, nftnl_set_get_str(from, attr));
  }
  for (uint16_t attr : {NFTNL_SET_FAMILY, NFTNL_SET_ID}) {
    if (nftnl_set_is_set(from, attr))
      nftnl_set_set_u32(copy.get(), attr, nftnl_set_get_u32(from, attr));
  }
  for (const RawElement& r : *op.raw)
    nftnl_set_elem_add(copy.get(), ToNftnl(r, true));
  return DebugElements(copy.get());
}

}  // namespace

std::string DebugOps(const std::vector<Op>& ops) {
  std::string out;
  for (const Op& op : ops) {
    switch (op.kind) {
      case OpKind::kAddChain:
        out += DebugChain(std::get<ChainPtr>(op.object).get());
        break;
      case OpKind::kAddSet:
        out += DebugSet(std::get<SetPtr>(op.object).get());
        break;
      case OpKind::kAddElements:
        out += op.raw ? DebugRawElements(op)
                      : DebugElements(std::get<SetPtr>(op.object).get());
        break;
      case OpKind::kAddRule:
        out += DebugRule(std::get<RulePtr>(op.object).get());
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace lvsnft::netlink
