// The shared parts of `table inet lvsnft`: sets, dispatch, base chains.
#include "compiler/lower_internal.h"

namespace lvsnft::lower {

namespace {

using plan::DataType;
using plan::Field;

const char* const kNatSets[] = {"svc4",     "svc4r",    "svc6",     "svc6r",
                                "be4",      "be6",      "bep",      "canon",
                                "persist4", "persist6", "fullnat4", "fullnat6"};

DataType AddrType(IpFamily f) {
  return f == IpFamily::kV4 ? DataType::kIpv4Addr : DataType::kIpv6Addr;
}

plan::Set BackendSetProto(const std::string& name) {
  plan::Set s;
  s.name = name;
  s.key = {DataType::kMark};
  if (name == "bep") {
    s.data = {DataType::kInetService};
    s.comment = "scheduler slot -> real server port (port mapping)";
    return s;
  }
  s.data = {AddrType(name[2] == '4' ? IpFamily::kV4 : IpFamily::kV6)};
  s.counter = true;
  s.comment = "scheduler slot -> real server";
  return s;
}

plan::Chain BaseChain(const std::string& name, plan::Hook hook, int prio) {
  plan::Chain c;
  c.name = name;
  c.base = plan::BaseChain{"nat", hook, prio, ""};
  return c;
}

plan::Rule FullNatRule(IpFamily f, const Director& d, const std::string& set) {
  std::vector<IpAddr> locals;
  for (const auto& a : d.local_addresses) {
    if (a.family == f) locals.push_back(a);
  }
  plan::Nat nat{plan::NatKind::kSnat, f, std::monostate{}};
  std::string what = "masquerade";
  if (locals.empty()) {
    nat.kind = plan::NatKind::kMasquerade;
  } else if (locals.size() == 1) {
    nat.target = locals[0];
    what = locals[0].ToString();
  } else {
    nat.target = plan::NatRoundRobin{locals};
    what = std::to_string(locals.size()) + " local addresses";
  }
  return {{FamilyMatch(plan::TableFamily::kInet, f),
           plan::Lookup{{F(Field::kCtMark)}, set}, nat},
          "FULLNAT: source NAT to " + what,
          ""};
}

}  // namespace

NatTableBuilder::NatTableBuilder()
    : sets({std::begin(kNatSets), std::end(kNatSets)}) {
  table.family = plan::TableFamily::kInet;
  table.name = plan::kNatTable;
  table.comment = plan::kOwnerComment;
}

namespace {

plan::Set CanonSetProto() {
  plan::Set proto;
  proto.name = "canon";
  proto.key = {DataType::kMark};
  proto.data = {DataType::kMark};
  proto.comment = "persistence: slot -> first slot of its real server";
  return proto;
}

}  // namespace

void NatTableBuilder::SlotMap(const std::string& set, plan::SlotTable slots) {
  plan::Set* s = sets.Find(set);
  if (!s)
    s = &sets.Get(set, set == "canon" ? CanonSetProto() : BackendSetProto(set));
  s->slot_tables.push_back(std::move(slots));
}

void NatTableBuilder::Dispatch(const Service& s) {
  families[s.vip.family == IpFamily::kV4 ? 0 : 1] = true;
  AddDispatch(sets, s);
}

void NatTableBuilder::FullNat(const Service& s, const SlotBlock& b) {
  std::string name = std::string("fullnat") + FamilySuffix(s.vip.family);
  plan::Set proto;
  proto.name = name;
  proto.key = {DataType::kMark};
  proto.interval = true;
  proto.comment = "FULLNAT connections (by ct mark slot range)";
  plan::Element e;
  e.key = {plan::MarkValue(b.base)};
  e.key_end = {plan::MarkValue(b.base + b.size - 1)};
  e.service = s.name;
  sets.Get(name, proto).elements.push_back(std::move(e));
}

void NatTableBuilder::Persist(IpFamily f) {
  std::string name = std::string("persist") + FamilySuffix(f);
  plan::Set proto;
  proto.name = name;
  proto.key = {AddrType(f), DataType::kMark};
  proto.dynamic = true;
  proto.timeout = true;
  proto.size = 1048576;
  proto.comment = "client affinity: client network . server slot";
  sets.Get(name, proto);
}

std::string NatTableBuilder::DnatChain(IpFamily f, bool port_mapping,
                                       Proto proto) {
  dnat_chains[{f, port_mapping}].insert(proto);
  return std::string("dnat") + FamilySuffix(f) + (port_mapping ? "p" : "");
}

namespace {

// The shared DNAT chains: address from be4/be6, port from bep (which nft
// accepts only after a transport protocol match: one rule per protocol).
std::vector<plan::Chain> DnatChains(
    const std::map<std::pair<IpFamily, bool>, std::set<Proto>>& needed) {
  std::vector<plan::Chain> out;
  for (const auto& [key, protos] : needed) {
    auto [f, port] = key;
    plan::Chain c;
    c.name = std::string("dnat") + FamilySuffix(f) + (port ? "p" : "");
    c.comment = std::string("DNAT to the real server of the slot in ct mark") +
                (port ? " (port mapping)" : "");
    plan::Nat nat{
        plan::NatKind::kDnat, f,
        plan::NatAddrMap{Field::kCtMark, std::string("be") + FamilySuffix(f),
                         port ? "bep" : ""}};
    if (!port) {
      c.rules.push_back({{nat}, "DNAT", ""});
    } else {
      for (Proto p : protos) {
        c.rules.push_back({{plan::Match{F(Field::kMetaL4proto),
                                        plan::ProtoValue(ProtoNumber(p))},
                            nat},
                           std::string("DNAT ") + ProtoName(p) + " with port",
                           ""});
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

plan::Table NatTableBuilder::Finish(const Director& d) {
  auto pre = BaseChain("prerouting", plan::Hook::kPrerouting, -100);
  auto out = BaseChain("output", plan::Hook::kOutput, -100);
  auto post = BaseChain("postrouting", plan::Hook::kPostrouting, 100);
  for (IpFamily f : {IpFamily::kV4, IpFamily::kV6}) {
    if (!families[f == IpFamily::kV4 ? 0 : 1]) continue;
    for (auto& r : DispatchRules(plan::TableFamily::kInet, f, sets)) {
      pre.rules.push_back(r);
      out.rules.push_back(r);
    }
    std::string fn = std::string("fullnat") + FamilySuffix(f);
    if (sets.Has(fn)) post.rules.push_back(FullNatRule(f, d, fn));
  }
  table.sets = sets.Take();
  std::vector<plan::Chain> dnat = DnatChains(dnat_chains);
  std::vector<plan::Chain> chains;
  chains.reserve(3 + dnat.size() + table.chains.size());
  for (auto* c : {&pre, &out, &post}) chains.push_back(std::move(*c));
  for (auto& c : dnat) chains.push_back(std::move(c));
  for (auto& c : table.chains) chains.push_back(std::move(c));
  table.chains = std::move(chains);
  return std::move(table);
}

}  // namespace lvsnft::lower
