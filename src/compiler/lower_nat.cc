// Lowering of NAT and FULLNAT services into `table inet lvsnft`
// (docs/LAYOUT.md, "NAT and FULLNAT").
#include "compiler/lower_internal.h"

namespace lvsnft::lower {

namespace {

using plan::DataType;
using plan::Field;

// True when some real server listens on another port than the VIP's.
bool UsesPortMapping(const Service& s) {
  for (const auto& rs : s.real_servers) {
    if (!rs.port) continue;
    if (s.ports.size() != 1 || !s.ports[0].single()) return true;
    if (*rs.port != s.ports[0].first) return true;
  }
  return false;
}

// The port a real server is reached on when the service maps ports.
uint16_t TargetPort(const Service& s, const RealServer& rs) {
  return rs.port ? *rs.port : s.ports.front().first;
}

std::string BackendSet(const Service& s) {
  return std::string("be") + FamilySuffix(s.vip.family);
}

// DNAT happens in one shared chain per family (and port mapping), so the
// backend maps are bound by a handful of rules, not one per service: the
// kernel validates every element insert against every binding.
plan::Stmt GotoDnat(const Service& s, NatTableBuilder& t) {
  return plan::Verdict{
      plan::VerdictKind::kGoto,
      t.DnatChain(s.vip.family, UsesPortMapping(s), s.protocol)};
}

plan::Key PersistKey(const Service& s) {
  plan::FieldRef client{SaddrField(s.vip.family),
                        PrefixMask(s.vip.family, s.persistence->netmask)};
  return {client, F(Field::kCtMark)};
}

plan::Stmt PersistUpdate(const Service& s) {
  return plan::Update{std::string("persist") + FamilySuffix(s.vip.family),
                      PersistKey(s), uint64_t{s.persistence->timeout_s} * 1000};
}

// The scheduler's choice of a slot, written to the connection's ct mark.
plan::Stmt PickSlot(const Service& s, const SlotBlock& b) {
  plan::SetMark set{Field::kCtMark, uint32_t{0}};
  if (s.scheduler == Scheduler::kRr || s.scheduler == Scheduler::kWrr) {
    set.source = plan::Numgen{false, b.size, b.base};
  } else if (s.scheduler == Scheduler::kRandom) {
    set.source = plan::Numgen{true, b.size, b.base};
  } else {
    set.source = plan::Jhash{HashKey(s), b.size, ServiceSeed(s), b.base};
  }
  return set;
}

// The service's slot maps: slot -> address, port (port mapping) and
// canonical slot (persistence); one compact table each, sharing the owners
// and labels in `servers`.
void AddSlotMaps(const Service& s, const std::vector<const RealServer*>& active,
                 const std::vector<uint32_t>& canonical, uint32_t base,
                 std::shared_ptr<const plan::SlotServers> servers,
                 NatTableBuilder& t) {
  auto table = [&](plan::DataType type) {
    plan::SlotTable st{s.name, base, servers, type, {}};
    st.data.reserve(active.size() * plan::DataTypeLen(type));
    return st;
  };
  plan::SlotTable addrs =
      table(s.vip.family == IpFamily::kV4 ? plan::DataType::kIpv4Addr
                                          : plan::DataType::kIpv6Addr);
  for (const RealServer* rs : active)
    addrs.AddData(plan::AddrValue(rs->address));
  t.SlotMap(BackendSet(s), std::move(addrs));
  if (UsesPortMapping(s)) {
    plan::SlotTable ports = table(plan::DataType::kInetService);
    for (const RealServer* rs : active)
      ports.AddData(plan::PortValue(TargetPort(s, *rs)));
    t.SlotMap("bep", std::move(ports));
  }
  if (s.persistence) {
    plan::SlotTable canon = table(plan::DataType::kMark);
    for (uint32_t mark : canonical) canon.AddData(plan::MarkValue(mark));
    t.SlotMap("canon", std::move(canon));
  }
}

}  // namespace

void AddNatServiceChain(const Service& s, const SlotBlock* block,
                        NatTableBuilder& t) {
  plan::Chain c;
  c.name = ServiceChain(s);
  c.service = s.name;
  // Stable across edits of the service: a chain's declaration cannot be
  // changed in place (the rules carry the scheduler details).
  c.comment = "service " + s.name;
  auto active = ActiveServers(s);
  if (!block || active.empty()) {
    c.rules.push_back(
        {{plan::Counter{}, plan::Verdict{plan::VerdictKind::kDrop}},
         s.name + ": no real server available",
         s.name});
    t.table.chains.push_back(std::move(c));
    return;
  }
  auto servers = SlotServersOf(s, active);
  // Canonical slot of each active server: its first slot in the block.
  std::vector<uint32_t> canonical(active.size(), 0);
  for (uint32_t i = servers->owner.size(); i-- > 0;)
    canonical[servers->owner[i]] = block->base + i;
  AddSlotMaps(s, active, canonical, block->base, std::move(servers), t);
  if (s.persistence) {
    for (size_t r = 0; r < active.size(); ++r) {
      c.rules.push_back(
          {{plan::SetMark{Field::kCtMark, canonical[r]},
            plan::Lookup{PersistKey(s),
                         std::string("persist") + FamilySuffix(s.vip.family)},
            PersistUpdate(s), GotoDnat(s, t)},
           s.name + ": client affinity to " + RsLabel(*active[r]),
           s.name});
    }
  }
  plan::Rule pick{{PickSlot(s, *block)},
                  s.name + ": " + SchedulerName(s.scheduler) + " over " +
                      Servers(active.size()),
                  s.name};
  if (s.persistence) {
    pick.stmts.push_back(
        plan::SetMark{Field::kCtMark, plan::MapOf{Field::kCtMark, "canon"}});
    pick.stmts.push_back(PersistUpdate(s));
  }
  pick.stmts.push_back(GotoDnat(s, t));
  c.rules.push_back(std::move(pick));
  t.table.chains.push_back(std::move(c));
}

}  // namespace lvsnft::lower
