// Lowering of DR and TUN services into `table netdev lvsnft`
// (docs/LAYOUT.md, "DR and TUN").
#include <set>

#include "compiler/lower_internal.h"

namespace lvsnft::lower {

namespace {

using plan::DataType;
using plan::Field;

const char* const kNetdevSets[] = {"svc4",     "svc4r",   "svc6",   "svc6r",
                                   "slots",    "targets", "flows4", "flows6",
                                   "persist4", "persist6"};

DataType AddrType(IpFamily f) {
  return f == IpFamily::kV4 ? DataType::kIpv4Addr : DataType::kIpv6Addr;
}

std::string Fam(const char* base, IpFamily f) {
  return std::string(base) + FamilySuffix(f);
}

// Where a real server's packets leave: the director interface (DR) or the
// server's own ipip device (TUN).
std::string DeviceFor(const Config& cfg, const Service& s,
                      const RealServer& rs) {
  return s.mode == Mode::kTun ? TunnelName(rs.address) : cfg.director.interface;
}

plan::Key FlowKey(IpFamily f) {
  return {F(SaddrField(f)), F(DaddrField(f)), F(Field::kThSport),
          F(Field::kThDport), F(Field::kMetaMark)};
}

plan::Key PersistKey(const Service& s) {
  IpFamily f = s.vip.family;
  return {plan::FieldRef{SaddrField(f), PrefixMask(f, s.persistence->netmask)},
          F(DaddrField(f)), F(Field::kMetaMark)};
}

/// The verdict map "targets": forwarding target id -> target chain.
plan::Set TargetsProto() {
  plan::Set p;
  p.name = "targets";
  p.key = {DataType::kMark};
  p.verdict_map = true;
  p.comment = "forwarding target id -> target chain";
  return p;
}

/// The map "slots": scheduler slot -> forwarding target id.
plan::Set SlotsProto() {
  plan::Set p;
  p.name = "slots";
  p.key = {DataType::kMark};
  p.data = {DataType::kMark};
  p.comment = "scheduler slot -> forwarding target id";
  return p;
}

struct Builder {
  const Config& cfg;
  plan::Table table;
  SetCollector sets{{std::begin(kNetdevSets), std::end(kNetdevSets)}};
  std::map<std::string, plan::Chain> target_chains;
  bool families[2] = {false, false};
  bool predict_chains[2] = {false, false};

  void Target(const Service& s, const RealServer& rs);
  void Slots(const Service& s, const SlotBlock& b,
             const std::vector<uint32_t>& tids);
  void ServiceChain(const Service& s, const SlotBlock* b);
  void DeclareFlows(IpFamily f);
  void DeclarePersist(IpFamily f);
  plan::Table Finish();
};

void Builder::DeclareFlows(IpFamily f) {
  plan::Set p;
  p.name = Fam("flows", f);
  p.key = {AddrType(f), AddrType(f), DataType::kInetService,
           DataType::kInetService, DataType::kMark};
  p.dynamic = p.timeout = true;
  p.timeout_ms = uint64_t{cfg.director.flow_timeout_s} * 1000;
  p.size = cfg.director.flow_table_size;
  p.comment = "established flows: client . VIP . ports . target";
  sets.Get(p.name, p);
}

void Builder::DeclarePersist(IpFamily f) {
  plan::Set p;
  p.name = Fam("persist", f);
  p.key = {AddrType(f), AddrType(f), DataType::kMark};
  p.dynamic = p.timeout = true;
  p.size = 1048576;
  p.comment = "client affinity: client network . VIP . target";
  sets.Get(p.name, p);
}

void Builder::Target(const Service& s, const RealServer& rs) {
  std::string dev = DeviceFor(cfg, s, rs);
  std::string name = TargetChain(rs.address, dev);
  if (target_chains.count(name)) return;
  uint32_t tid = TargetId(rs.address, dev);
  IpFamily f = rs.address.family;
  plan::Chain c;
  c.name = name;
  c.comment = "forward to " + rs.address.ToString() + " via " + dev;
  std::vector<plan::Stmt> out = {plan::SetMark{Field::kMetaMark, uint32_t{0}},
                                 plan::Counter{}, plan::Fwd{rs.address, dev}};
  if (cfg.director.flow_table_size > 0) {
    std::vector<plan::Stmt> first = {
        plan::Update{Fam("flows", f), FlowKey(f), 0}};
    first.insert(first.end(), out.begin(), out.end());
    c.rules.push_back({first, "remember the flow, forward", ""});
    c.rules.push_back({out, "flow table full: forward statelessly", ""});
  } else {
    c.rules.push_back({out, "forward", ""});
  }
  target_chains[name] = std::move(c);
  plan::Element e{{plan::MarkValue(tid)},
                  {},
                  {},
                  plan::Verdict{plan::VerdictKind::kGoto, name},
                  "",
                  rs.address.ToString()};
  sets.Get("targets", TargetsProto()).elements.push_back(std::move(e));
}

void Builder::Slots(const Service& s, const SlotBlock& b,
                    const std::vector<uint32_t>& tids) {
  auto active = ActiveServers(s);
  plan::SlotTable slots{
      s.name, b.base, SlotServersOf(s, active), plan::DataType::kMark, {}};
  for (size_t r = 0; r < active.size(); ++r)
    slots.AddData(plan::MarkValue(tids[r]));
  sets.Get("slots", SlotsProto()).slot_tables.push_back(std::move(slots));
}

void Builder::ServiceChain(const Service& s, const SlotBlock* b) {
  IpFamily f = s.vip.family;
  plan::Chain c;
  c.name = lower::ServiceChain(s);
  c.service = s.name;
  // Stable across edits of the service: a chain's declaration cannot be
  // changed in place (the rules carry the scheduler details).
  c.comment = "service " + s.name;
  auto tid_of = [&](const RealServer& rs) {
    return TargetId(rs.address, DeviceFor(cfg, s, rs));
  };
  auto goto_target = [&](const RealServer& rs) {
    return plan::Verdict{plan::VerdictKind::kGoto,
                         TargetChain(rs.address, DeviceFor(cfg, s, rs))};
  };
  auto active = ActiveServers(s);
  const bool predict = cfg.director.flow_table_size > 0 && !s.persistence &&
                       b && !active.empty();
  c.rules.reserve(
      2 + (s.persistence ? active.size() : 0) +
      (cfg.director.flow_table_size > 0 ? s.real_servers.size() : 0));
  if (predict) {
    // Most packets belong to a flow pinned to the server the Maglev table
    // picks today: check that one first, in O(1), in a shared chain (few
    // bindings for the slot and target maps).
    predict_chains[f == IpFamily::kV4 ? 0 : 1] = true;
    c.rules.push_back(
        {{plan::SetMark{Field::kMetaMark, plan::Jhash{HashKey(s), b->size,
                                                      ServiceSeed(s), b->base}},
          plan::Verdict{plan::VerdictKind::kJump, Fam("predict", f)}},
         s.name + ": established flow to the scheduled server",
         s.name});
  }
  if (cfg.director.flow_table_size > 0) {
    for (const auto* rs : LiveServers(s)) {
      c.rules.push_back(
          {{plan::SetMark{Field::kMetaMark, tid_of(*rs)},
            plan::Lookup{FlowKey(f), Fam("flows", f)}, goto_target(*rs)},
           s.name + ": established flow to " + RsLabel(*rs),
           s.name});
    }
  }
  if (s.persistence) {
    for (const auto* rs : active) {
      c.rules.push_back(
          {{plan::SetMark{Field::kMetaMark, tid_of(*rs)},
            plan::Lookup{PersistKey(s), Fam("persist", f)},
            plan::Update{Fam("persist", f), PersistKey(s),
                         uint64_t{s.persistence->timeout_s} * 1000},
            goto_target(*rs)},
           s.name + ": client affinity to " + RsLabel(*rs),
           s.name});
    }
  }
  if (b && !active.empty()) {
    plan::Stmt hash = plan::SetMark{
        Field::kMetaMark,
        plan::Jhash{HashKey(s), b->size, ServiceSeed(s), b->base}};
    std::string what = s.name + ": " + SchedulerName(s.scheduler) + " over " +
                       Servers(active.size());
    if (!s.persistence) {
      // The slot and target maps are looked up in the shared chain "pick"
      // (few bindings keep element inserts cheap in the kernel).
      c.rules.push_back(
          {{hash, plan::Verdict{plan::VerdictKind::kGoto, "pick"}},
           what,
           s.name});
    } else {
      c.rules.push_back(
          {{hash,
            plan::SetMark{Field::kMetaMark,
                          plan::MapOf{Field::kMetaMark, "slots"}},
            plan::Update{Fam("persist", f), PersistKey(s),
                         uint64_t{s.persistence->timeout_s} * 1000},
            plan::VmapLookup{{F(Field::kMetaMark)}, "targets"}},
           what,
           s.name});
    }
  }
  c.rules.push_back({{plan::SetMark{Field::kMetaMark, uint32_t{0}},
                      plan::Counter{}, plan::Verdict{plan::VerdictKind::kDrop}},
                     s.name + ": no real server available",
                     s.name});
  table.chains.push_back(std::move(c));
}

// The shared chain that turns the slot in meta mark into a target.
plan::Chain PickChain() {
  plan::Chain pick;
  pick.name = "pick";
  pick.comment = "scheduler slot in meta mark -> forwarding target";
  pick.rules.push_back(
      {{plan::SetMark{Field::kMetaMark, plan::MapOf{Field::kMetaMark, "slots"}},
        plan::VmapLookup{{F(Field::kMetaMark)}, "targets"}},
       "slot -> target",
       ""});
  pick.rules.push_back(
      {{plan::SetMark{Field::kMetaMark, uint32_t{0}}, plan::Counter{},
        plan::Verdict{plan::VerdictKind::kDrop}},
       "no target for the slot",
       ""});
  return pick;
}

plan::Table Builder::Finish() {
  plan::Chain in;
  in.name = "ingress";
  in.base = plan::BaseChain{"filter", plan::Hook::kIngress, -500,
                            cfg.director.interface};
  for (IpFamily f : {IpFamily::kV4, IpFamily::kV6}) {
    if (!families[f == IpFamily::kV4 ? 0 : 1]) continue;
    for (auto& r : DispatchRules(plan::TableFamily::kNetdev, f, sets)) {
      in.rules.push_back(std::move(r));
    }
  }
  std::vector<plan::Chain> chains;
  chains.reserve(4 + table.chains.size() + target_chains.size());
  chains.push_back(std::move(in));
  // No service with a server taking new flows: no slots, nothing to pick
  // (the service chains drop new flows themselves).
  if (sets.Has("slots")) chains.push_back(PickChain());
  for (IpFamily f : {IpFamily::kV4, IpFamily::kV6}) {
    if (!predict_chains[f == IpFamily::kV4 ? 0 : 1]) continue;
    plan::Chain p;
    p.name = Fam("predict", f);
    p.comment = "established flow to the server of the slot in meta mark";
    p.rules.push_back({{plan::SetMark{Field::kMetaMark,
                                      plan::MapOf{Field::kMetaMark, "slots"}},
                        plan::Lookup{FlowKey(f), Fam("flows", f)},
                        plan::VmapLookup{{F(Field::kMetaMark)}, "targets"}},
                       "known flow, scheduled server",
                       ""});
    chains.push_back(std::move(p));
  }
  for (auto& c : table.chains) chains.push_back(std::move(c));
  for (auto& [name, c] : target_chains) chains.push_back(std::move(c));
  table.chains = std::move(chains);
  table.sets = sets.Take();
  return std::move(table);
}

}  // namespace

plan::Table LowerNetdevTable(const Config& cfg,
                             const std::map<std::string, SlotBlock>& blocks) {
  Builder b{cfg, {}};
  b.table.family = plan::TableFamily::kNetdev;
  b.table.name = plan::kNetdevTable;
  b.table.comment = plan::kOwnerComment;
  for (const auto& s : cfg.services) {
    if (!IsStatelessMode(s.mode)) continue;
    IpFamily f = s.vip.family;
    b.families[f == IpFamily::kV4 ? 0 : 1] = true;
    AddDispatch(b.sets, s);
    if (cfg.director.flow_table_size > 0) b.DeclareFlows(f);
    if (s.persistence) b.DeclarePersist(f);
    for (const auto* rs : LiveServers(s)) b.Target(s, *rs);
    auto it = blocks.find(s.name);
    const SlotBlock* block = it == blocks.end() ? nullptr : &it->second;
    if (block) {
      std::vector<uint32_t> tids;
      for (const auto* rs : ActiveServers(s)) {
        tids.push_back(TargetId(rs->address, DeviceFor(cfg, s, *rs)));
      }
      b.Slots(s, *block, tids);
    }
    b.ServiceChain(s, block);
  }
  return b.Finish();
}

}  // namespace lvsnft::lower
