#include "compiler/lower.h"

#include <algorithm>
#include <optional>

#include "compiler/lower_internal.h"

namespace lvsnft {

namespace lower {

plan::Set& SetCollector::Get(const std::string& name, const plan::Set& proto) {
  auto it = sets_.find(name);
  if (it == sets_.end()) it = sets_.emplace(name, proto).first;
  return it->second;
}

plan::Set* SetCollector::Find(const std::string& name) {
  auto it = sets_.find(name);
  return it == sets_.end() ? nullptr : &it->second;
}

std::vector<plan::Set> SetCollector::Take() {
  std::vector<plan::Set> out;
  out.reserve(sets_.size());
  for (const auto& name : order_) {
    auto it = sets_.find(name);
    if (it == sets_.end()) continue;
    out.push_back(std::move(it->second));
    sets_.erase(it);
  }
  // A set missing from the order list still belongs to the table.
  for (auto& [name, set] : sets_) out.push_back(std::move(set));
  sets_.clear();
  // The element lists grew by doubling; the plan keeps them for its life.
  for (plan::Set& s : out) {
    s.elements.shrink_to_fit();
    s.slot_tables.shrink_to_fit();
  }
  return out;
}

plan::Key HashKey(const Service& s) {
  IpFamily f = s.vip.family;
  switch (s.scheduler) {
    case Scheduler::kDh:
      return {F(DaddrField(f))};
    case Scheduler::kMh:
      if (s.mh_port) return {F(SaddrField(f)), F(plan::Field::kThSport)};
      return {F(SaddrField(f))};
    default:
      return {F(SaddrField(f))};
  }
}

namespace {

// Declaration of a dispatch map: svc4/svc6, or svc4r/svc6r for ranges.
plan::Set DispatchProto(IpFamily f, bool range) {
  plan::Set proto;
  proto.name = std::string("svc") + FamilySuffix(f) + (range ? "r" : "");
  proto.key = {plan::DataType::kInetProto,
               f == IpFamily::kV4 ? plan::DataType::kIpv4Addr
                                  : plan::DataType::kIpv6Addr,
               plan::DataType::kInetService};
  proto.verdict_map = proto.counter = true;
  proto.interval = range;
  proto.comment =
      range ? "virtual services with port ranges -> service chain"
            : "virtual services: protocol . VIP . port -> service chain";
  return proto;
}

}  // namespace

void AddDispatch(SetCollector& sets, const Service& s) {
  IpFamily f = s.vip.family;
  for (auto& e : DispatchElements(s)) {
    // Single ports go to a hash map; ranges need an interval (pipapo) map,
    // whose inserts cost O(size) each: keep it small.
    bool range = !e.key_end.empty();
    std::string name =
        std::string("svc") + FamilySuffix(f) + (range ? "r" : "");
    plan::Set* set = sets.Find(name);
    if (!set) set = &sets.Get(name, DispatchProto(f, range));
    set->elements.push_back(std::move(e));
  }
}

std::vector<plan::Rule> DispatchRules(plan::TableFamily t, IpFamily f,
                                      const SetCollector& sets) {
  std::vector<plan::Rule> out;
  std::string fam = f == IpFamily::kV4 ? "ipv4" : "ipv6";
  for (const char* suffix : {"", "r"}) {
    std::string name = std::string("svc") + FamilySuffix(f) + suffix;
    if (!sets.Has(name)) continue;
    out.push_back(
        {{FamilyMatch(t, f),
          plan::VmapLookup{{F(plan::Field::kMetaL4proto), F(DaddrField(f)),
                            F(plan::Field::kThDport)},
                           name}},
         "dispatch " + fam + " virtual services" +
             (*suffix ? " (port ranges)" : ""),
         ""});
  }
  return out;
}

std::vector<plan::Element> DispatchElements(const Service& s) {
  std::vector<plan::Element> out;
  for (const auto& p : s.ports) {
    plan::Element e;
    plan::Value proto = plan::ProtoValue(ProtoNumber(s.protocol));
    e.key = {proto, plan::AddrValue(s.vip), plan::PortValue(p.first)};
    // Single ports: no end (no heap block for one either).
    if (!p.single())
      e.key_end = {proto, plan::AddrValue(s.vip), plan::PortValue(p.last)};
    e.verdict = plan::Verdict{plan::VerdictKind::kGoto, ServiceChain(s)};
    e.service = s.name;
    out.push_back(std::move(e));
  }
  return out;
}

plan::HostPlan LowerHost(const Config& cfg) {
  plan::HostPlan h;
  std::map<IpAddr, size_t> seen;
  bool forward[2] = {false, false};
  for (const auto& s : cfg.services) {
    if (cfg.director.manage_vips && !seen.count(s.vip)) {
      seen[s.vip] = h.addresses.size();
      h.addresses.push_back(
          {cfg.director.interface, s.vip, s.vip.bits(), s.name});
    }
    if (!IsStatelessMode(s.mode))
      forward[s.vip.family == IpFamily::kV4 ? 0 : 1] = true;
    if (s.mode != Mode::kTun) continue;
    for (const auto* rs : LiveServers(s)) {
      std::string name = TunnelName(rs->address);
      plan::Tunnel* tun = plan::FindTunnel(h, name);
      if (!tun) {
        h.tunnels.push_back({name, rs->address, std::nullopt, {}});
        tun = &h.tunnels.back();
      }
      tun->services.push_back(s.name);
    }
  }
  if (forward[0]) h.sysctls.push_back({kIpv4Forward, "1"});
  if (forward[1]) h.sysctls.push_back({kIpv6Forward, "1"});
  return h;
}

namespace {

// The address family whose header a key reads, if any.
std::optional<IpFamily> KeyFamily(const plan::Key& k) {
  for (const auto& f : k) {
    if (f.field == plan::Field::kIpSaddr || f.field == plan::Field::kIpDaddr) {
      return IpFamily::kV4;
    }
    if (f.field == plan::Field::kIp6Saddr ||
        f.field == plan::Field::kIp6Daddr) {
      return IpFamily::kV6;
    }
  }
  return std::nullopt;
}

std::optional<IpFamily> StmtFamily(const plan::Stmt& s) {
  if (auto* l = std::get_if<plan::Lookup>(&s)) return KeyFamily(l->key);
  if (auto* v = std::get_if<plan::VmapLookup>(&s)) return KeyFamily(v->key);
  if (auto* u = std::get_if<plan::Update>(&s)) return KeyFamily(u->key);
  if (auto* m = std::get_if<plan::SetMark>(&s)) {
    if (auto* j = std::get_if<plan::Jhash>(&m->source))
      return KeyFamily(j->key);
  }
  return std::nullopt;
}

bool IsFamilyMatch(const plan::Stmt& s) {
  auto* m = std::get_if<plan::Match>(&s);
  return m && (m->field.field == plan::Field::kMetaNfproto ||
               m->field.field == plan::Field::kMetaProtocol);
}

}  // namespace

plan::Stmt FamilyMatch(plan::TableFamily t, IpFamily f) {
  bool v4 = f == IpFamily::kV4;
  if (t == plan::TableFamily::kInet) {
    return plan::Match{F(plan::Field::kMetaNfproto),
                       plan::ProtoValue(v4 ? 2 : 10)};
  }
  return plan::Match{F(plan::Field::kMetaProtocol),
                     {plan::DataType::kInetService,
                      {static_cast<uint8_t>(v4 ? 0x08 : 0x86),
                       static_cast<uint8_t>(v4 ? 0x00 : 0xdd)}}};
}

void AddFamilyDependencies(plan::Table& t) {
  for (auto& c : t.chains) {
    for (auto& r : c.rules) {
      if (!r.stmts.empty() && IsFamilyMatch(r.stmts.front())) continue;
      for (const auto& s : r.stmts) {
        if (auto f = StmtFamily(s)) {
          // A fresh vector of the exact size: insert() would double the
          // capacity of every such rule for the plan's lifetime.
          std::vector<plan::Stmt> with;
          with.reserve(r.stmts.size() + 1);
          with.push_back(FamilyMatch(t.family, *f));
          for (auto& x : r.stmts) with.push_back(std::move(x));
          r.stmts = std::move(with);
          break;
        }
      }
    }
  }
}

}  // namespace lower

std::map<std::string, uint32_t> SlotNeeds(const Config& cfg) {
  std::map<std::string, uint32_t> needs;
  for (const auto& s : cfg.services) needs[s.name] = lower::SlotCount(s);
  return needs;
}

plan::Plan Lower(const Config& cfg) {
  return LowerWith(cfg, lower::AllocateSlots(SlotNeeds(cfg)));
}

plan::Plan LowerServices(
    const Config& cfg, const std::set<std::string>& names,
    const std::map<std::string, lower::SlotBlock>& blocks) {
  Config sub;
  sub.director = cfg.director;
  for (const auto& s : cfg.services) {
    if (names.count(s.name)) sub.services.push_back(s);
  }
  return LowerWith(sub, blocks);
}

plan::Plan LowerWith(const Config& cfg,
                     const std::map<std::string, lower::SlotBlock>& blocks) {
  using namespace lower;
  plan::Plan p;
  NatTableBuilder nat;
  // One chain a service: no regrowth (Finish moves them into place).
  nat.table.chains.reserve(cfg.services.size());
  bool any_nat = false, any_netdev = false;
  for (const auto& s : cfg.services) {
    if (IsStatelessMode(s.mode)) {
      any_netdev = true;
      continue;
    }
    any_nat = true;
    auto it = blocks.find(s.name);
    const SlotBlock* block = it == blocks.end() ? nullptr : &it->second;
    nat.Dispatch(s);
    if (s.persistence) nat.Persist(s.vip.family);
    AddNatServiceChain(s, block, nat);
    if (s.mode == Mode::kFullNat && block) nat.FullNat(s, *block);
  }
  if (any_nat) p.tables.push_back(nat.Finish(cfg.director));
  if (any_netdev) p.tables.push_back(LowerNetdevTable(cfg, blocks));
  for (auto& t : p.tables) AddFamilyDependencies(t);
  p.host = LowerHost(cfg);
  return p;
}

}  // namespace lvsnft
