#include "kernel/nft/nft_rule.h"

#include <libnftnl/udata.h>
#include <linux/netfilter.h>

#include <new>

#include "kernel/nft/nft_udata.h"

namespace lvsnft::netlink {
namespace {

using plan::Field;
using plan::FieldRef;
using Bytes = std::vector<uint8_t>;

// Rule-wide state: nft's protocol context, reduced to what lvsnft uses.
struct Ctx {
  const RuleEnv& env;
  Linearizer lin;
  LoweredRule* out;
  NetProto net = NetProto::kNone;
  bool net_other = false;  // network protocol matched, but not ip/ip6
  bool l4 = false;         // transport protocol matched (meta l4proto)
};

const char* ProtoName(NetProto p) {
  return p == NetProto::kIpv4 ? "ip" : "ip6";
}

Bytes U32(uint32_t v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  return Bytes(p, p + 4);
}

Bytes AddrBytes(const IpAddr& a) {
  return Bytes(a.bytes.begin(), a.bytes.begin() + a.size());
}

void AddKeyFields(const plan::Key& key, std::vector<Field>* out) {
  for (const auto& f : key) out->push_back(f.field);
}

// Fields a statement reads, for the implicit network dependency.
std::vector<Field> ReadFields(const plan::Stmt& s) {
  std::vector<Field> out;
  if (auto* m = std::get_if<plan::Match>(&s)) out.push_back(m->field.field);
  if (auto* l = std::get_if<plan::Lookup>(&s)) AddKeyFields(l->key, &out);
  if (auto* v = std::get_if<plan::VmapLookup>(&s)) AddKeyFields(v->key, &out);
  if (auto* u = std::get_if<plan::Update>(&s)) AddKeyFields(u->key, &out);
  if (auto* sm = std::get_if<plan::SetMark>(&s)) {
    if (auto* j = std::get_if<plan::Jhash>(&sm->source))
      AddKeyFields(j->key, &out);
    if (auto* m = std::get_if<plan::MapOf>(&sm->source))
      out.push_back(m->field);
  }
  if (auto* n = std::get_if<plan::Nat>(&s)) {
    if (auto* m = std::get_if<plan::NatAddrMap>(&n->target))
      out.push_back(m->field);
  }
  return out;
}

void EmitMatch(Ctx& c, const FieldRef& f, const Bytes& value) {
  uint32_t reg = c.lin.Get(4);
  c.lin.Field(f, reg);
  c.lin.CmpEq(reg, value);
  c.lin.Release(4);
}

// nft's implicit `meta nfproto` / `meta protocol` before a statement that
// reads ip/ip6 header fields while the network protocol is unknown.
Status Dependency(Ctx& c, const plan::Stmt& s) {
  NetProto need = NetProto::kNone;
  for (Field f : ReadFields(s)) {
    NetProto p = FieldInfo(f).needs;
    if (p == NetProto::kNone) continue;
    if (need != NetProto::kNone && need != p)
      return Status::Error("conflicting protocols ip and ip6");
    need = p;
  }
  if (need == NetProto::kNone || c.net == need) return Status();
  if (c.net != NetProto::kNone || c.net_other)
    return Status::Error(std::string("conflicting protocols specified: ") +
                         ProtoName(need) + " field after another protocol");
  bool v4 = need == NetProto::kIpv4;
  if (c.env.table.family == plan::TableFamily::kInet)
    EmitMatch(c, {Field::kMetaNfproto, {}},
              {static_cast<uint8_t>(v4 ? NFPROTO_IPV4 : NFPROTO_IPV6)});
  else
    EmitMatch(c, {Field::kMetaProtocol, {}},
              v4 ? Bytes{0x08, 0x00} : Bytes{0x86, 0xdd});
  c.net = need;
  return Status();
}

void UpdateContext(Ctx& c, const plan::Match& m) {
  const SmallBytes& v = m.value.bytes;
  bool inet = c.env.table.family == plan::TableFamily::kInet;
  if (m.field.field == Field::kMetaL4proto) c.l4 = true;
  NetProto p = NetProto::kNone;
  if (inet && m.field.field == Field::kMetaNfproto) {
    p = v == SmallBytes{NFPROTO_IPV4}   ? NetProto::kIpv4
        : v == SmallBytes{NFPROTO_IPV6} ? NetProto::kIpv6
                                        : NetProto::kNone;
  } else if (!inet && m.field.field == Field::kMetaProtocol) {
    p = v == SmallBytes{0x08, 0x00}   ? NetProto::kIpv4
        : v == SmallBytes{0x86, 0xdd} ? NetProto::kIpv6
                                      : NetProto::kNone;
  } else {
    return;
  }
  c.net = p;
  c.net_other = p == NetProto::kNone;
}

Status CheckFieldRef(const FieldRef& f) {
  if (f.mask.empty() || f.mask.size() == FieldInfo(f.field).len)
    return Status();
  return Status::Error(std::string("mask length does not match ") +
                       FieldInfo(f.field).text);
}

// `max_units`: the 16 32-bit registers, minus those already taken.
Status CheckKey(const plan::Key& key, uint32_t max_units = 16) {
  if (key.empty()) return Status::Error("empty key");
  if (KeyUnits(key) > max_units)
    return Status::Error("key of " + std::to_string(KeyLen(key)) +
                         " bytes does not fit in the registers");
  for (const auto& f : key) {
    Status st = CheckFieldRef(f);
    if (!st.ok()) return st;
  }
  return Status();
}

Result<const SetRef*> FindSet(Ctx& c, const std::string& name,
                              SetRef::Kind kind, uint32_t key_len) {
  const SetRef* s = c.env.find_set ? c.env.find_set(name) : nullptr;
  if (s == nullptr) return Status::Error("set @" + name + " does not exist");
  if (s->kind != kind && !(kind == SetRef::Kind::kSet))
    return Status::Error(std::string("@") + name + " is not a " +
                         (kind == SetRef::Kind::kVmap ? "verdict map" : "map"));
  if (s->key_len != 0 && s->key_len != key_len)
    return Status::Error("key does not match the key type of @" + name);
  return s;
}

// Fields nft or the kernel refuse in a table family.
Status CheckFamily(Ctx& c, const plan::Stmt& s) {
  bool inet = c.env.table.family == plan::TableFamily::kInet;
  std::vector<Field> fields = ReadFields(s);
  if (auto* sm = std::get_if<plan::SetMark>(&s)) fields.push_back(sm->target);
  for (Field f : fields) {
    if (!inet && f == Field::kCtMark)
      return Status::Error("ct mark is not available in netdev tables");
    if (!inet && f == Field::kMetaNfproto)
      return Status::Error("meta nfproto is only useful in the inet family");
  }
  return Status();
}

Status LowerMatch(Ctx& c, const plan::Match& m) {
  Status st = CheckFieldRef(m.field);
  if (!st.ok()) return st;
  if (m.value.bytes.size() != FieldInfo(m.field.field).len)
    return Status::Error(std::string("value length does not match ") +
                         FieldInfo(m.field.field).text);
  EmitMatch(c, m.field, m.value.bytes.ToVector());
  UpdateContext(c, m);
  return Status();
}

// `KEY @set` and `KEY vmap @map`.
Status LowerLookup(Ctx& c, const plan::Key& key, const std::string& set,
                   bool vmap) {
  Status st = CheckKey(key);
  if (!st.ok()) return st;
  auto ref = FindSet(c, set, vmap ? SetRef::Kind::kVmap : SetRef::Kind::kSet,
                     KeyLen(key));
  if (!ref.ok()) return ref.status();
  uint32_t units = KeyUnits(key);
  uint32_t reg = c.lin.Get(units);
  c.lin.Key(key, reg, (*ref)->interval);
  c.lin.Lookup(reg, vmap ? std::optional<uint32_t>(0) : std::nullopt, **ref);
  c.lin.Release(units);
  return Status();
}

// `FIELD map @set` into `dreg` (nft: the map key is generated into the
// destination register itself).
Status MapInto(Ctx& c, Field field, const std::string& set, uint32_t dreg,
               uint32_t data_len) {
  plan::Key key{{field, {}}};
  auto ref = FindSet(c, set, SetRef::Kind::kMap, KeyLen(key));
  if (!ref.ok()) return ref.status();
  if ((*ref)->data_len != 0 && (*ref)->data_len != data_len)
    return Status::Error("data type of @" + set + " does not fit");
  c.lin.Key(key, dreg, (*ref)->interval);
  c.lin.Lookup(dreg, dreg, **ref);
  return Status();
}

// The kernel refuses a zero modulus and a range past 2^32 (EOVERFLOW).
Status CheckRange(const char* what, uint32_t mod, uint32_t offset) {
  if (mod == 0) return Status::Error(std::string(what) + " modulus is 0");
  if (offset + (mod - 1) < offset)
    return Status::Error(std::string(what) + " offset " +
                         std::to_string(offset) + " + modulus " +
                         std::to_string(mod) + " exceeds 32 bits");
  return Status();
}

Status MarkSource(Ctx& c, const plan::MarkSource& src, uint32_t reg) {
  if (auto* v = std::get_if<uint32_t>(&src)) {
    c.lin.Immediate(reg, U32(*v));
  } else if (auto* n = std::get_if<plan::Numgen>(&src)) {
    Status st = CheckRange("numgen", n->mod, n->offset);
    if (!st.ok()) return st;
    c.lin.Numgen(reg, n->random, n->mod, n->offset);
  } else if (auto* h = std::get_if<plan::Jhash>(&src)) {
    Status st = CheckRange("jhash", h->mod, h->offset);
    if (st.ok()) st = CheckKey(h->key, 12);  // the result holds 4 units
    if (!st.ok()) return st;
    uint32_t units = KeyUnits(h->key);
    uint32_t sreg = c.lin.Get(units);
    c.lin.Key(h->key, sreg, false);
    c.lin.Release(units);
    c.lin.Jhash(sreg, KeyLen(h->key), reg, *h);
  } else {
    const auto& m = std::get<plan::MapOf>(src);
    return MapInto(c, m.field, m.set, reg, 4);
  }
  return Status();
}

Status LowerSetMark(Ctx& c, const plan::SetMark& s) {
  if (s.target != Field::kMetaMark && s.target != Field::kCtMark)
    return Status::Error("only meta mark and ct mark can be set");
  uint32_t reg = c.lin.Get(4);
  Status st = MarkSource(c, s.source, reg);
  if (!st.ok()) return st;
  c.lin.Release(4);
  c.lin.SetMark(s.target, reg);
  return Status();
}

Status LowerUpdate(Ctx& c, const plan::Update& u) {
  Status st = CheckKey(u.key);
  if (!st.ok()) return st;
  auto ref = FindSet(c, u.set, SetRef::Kind::kSet, KeyLen(u.key));
  if (!ref.ok()) return ref.status();
  uint32_t units = KeyUnits(u.key);
  uint32_t reg = c.lin.Get(units);
  c.lin.Key(u.key, reg, false);
  c.lin.Release(units);
  c.lin.DynsetUpdate(reg, **ref, u.timeout_ms);
  return Status();
}

// dnat/snat to an address, a map or a round robin; masquerade.
Status NatTarget(Ctx& c, const plan::Nat& n, uint32_t reg,
                 std::optional<uint32_t>* proto) {
  const uint32_t addr_len = n.family == IpFamily::kV4 ? 4 : 16;
  if (auto* a = std::get_if<IpAddr>(&n.target)) {
    if (a->family != n.family) return Status::Error("address family mismatch");
    c.lin.Immediate(reg, AddrBytes(*a));
  } else if (auto* m = std::get_if<plan::NatAddrMap>(&n.target)) {
    bool port = !m->port_set.empty();
    if (port && !c.l4)
      return Status::Error(
          "transport protocol mapping is only valid after transport "
          "protocol match");
    Status st = MapInto(c, m->field, m->set, reg, addr_len);
    if (!st.ok()) return st;
    if (port) {
      // nft: the port map's lookup goes to the next 16-byte register.
      uint32_t preg = c.lin.Get(4);
      st = MapInto(c, m->field, m->port_set, preg, 2);
      if (!st.ok()) return st;
      c.lin.Release(4);
      *proto = preg;
    }
  } else {
    const auto& rr = std::get<plan::NatRoundRobin>(n.target);
    for (const auto& a : rr.addrs)
      if (a.family != n.family) return Status::Error("address family mismatch");
    uint32_t id = c.env.next_set_id ? c.env.next_set_id() : 0;
    auto set = BuildAnonNatMap(c.env.table, rr.addrs, id);
    if (!set.ok()) return set.status();
    SetRef ref{"__map%d", id, false, SetRef::Kind::kMap, 4, addr_len};
    c.lin.Numgen(reg, false, static_cast<uint32_t>(rr.addrs.size()), 0);
    c.lin.Lookup(reg, reg, ref);
    c.out->anon_sets.push_back(std::move(*set));
  }
  return Status();
}

Status LowerNat(Ctx& c, const plan::Nat& n) {
  if (c.env.table.family != plan::TableFamily::kInet)
    return Status::Error("nat is only supported in inet tables");
  bool none = std::holds_alternative<std::monostate>(n.target);
  if (n.kind == plan::NatKind::kMasquerade) {
    if (!none) return Status::Error("masquerade takes no address");
    c.lin.Masq();
    return Status();
  }
  if (none) return Status::Error("dnat/snat needs an address");
  uint32_t reg = c.lin.Get(4);
  std::optional<uint32_t> proto;
  Status st = NatTarget(c, n, reg, &proto);
  if (!st.ok()) return st;
  c.lin.Release(4);
  c.lin.Nat(n.kind, n.family, reg, proto);
  return Status();
}

Status LowerFwd(Ctx& c, const plan::Fwd& f) {
  if (c.env.table.family != plan::TableFamily::kNetdev)
    return Status::Error("fwd is only supported in netdev tables");
  std::optional<uint32_t> index;
  if (c.env.ifindex) index = c.env.ifindex(f.device);
  if (!index) return Status::Error("device " + f.device + " not found");
  uint32_t dev = c.lin.Get(4);
  c.lin.Immediate(dev, U32(*index));
  uint32_t addr = c.lin.Get(4);
  c.lin.Immediate(addr, AddrBytes(f.to));
  c.lin.Release(4);
  c.lin.Release(4);
  c.lin.Fwd(dev, addr, f.to.family);
  return Status();
}

Status LowerStmt(Ctx& c, const plan::Stmt& s) {
  if (auto* m = std::get_if<plan::Match>(&s)) return LowerMatch(c, *m);
  if (auto* l = std::get_if<plan::Lookup>(&s))
    return LowerLookup(c, l->key, l->set, false);
  if (auto* v = std::get_if<plan::VmapLookup>(&s))
    return LowerLookup(c, v->key, v->set, true);
  if (auto* sm = std::get_if<plan::SetMark>(&s)) return LowerSetMark(c, *sm);
  if (auto* u = std::get_if<plan::Update>(&s)) return LowerUpdate(c, *u);
  if (auto* n = std::get_if<plan::Nat>(&s)) return LowerNat(c, *n);
  if (auto* f = std::get_if<plan::Fwd>(&s)) return LowerFwd(c, *f);
  if (std::holds_alternative<plan::Counter>(s)) {
    c.lin.Counter();
    return Status();
  }
  const auto& v = std::get<plan::Verdict>(s);
  bool to_chain =
      v.kind == plan::VerdictKind::kJump || v.kind == plan::VerdictKind::kGoto;
  if (to_chain && v.chain.empty())
    return Status::Error("jump or goto without a chain");
  c.lin.Verdict(v);
  return Status();
}

std::string RuleName(const plan::Rule& r, const RuleEnv& env) {
  std::string name = "chain " + env.chain;
  if (!r.comment.empty()) name += ", rule \"" + r.comment + "\"";
  return name;
}

}  // namespace

Result<LoweredRule> LowerRule(const plan::Rule& r, const RuleEnv& env) {
  if (r.comment.size() > kMaxCommentLen)
    return Status::Error(RuleName(r, env) + ": comment too long, " +
                         std::to_string(kMaxCommentLen) +
                         " characters maximum allowed");
  LoweredRule out;
  out.rule.reset(nftnl_rule_alloc());
  if (!out.rule) throw std::bad_alloc();
  nftnl_rule* nr = out.rule.get();
  nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, Nfproto(env.table.family));
  nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, env.table.name.c_str());
  nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, env.chain.c_str());
  Ctx c{env, Linearizer(nr), &out};
  for (size_t i = 0; i < r.stmts.size(); ++i) {
    Status st = CheckFamily(c, r.stmts[i]);
    if (st.ok()) st = Dependency(c, r.stmts[i]);
    if (st.ok()) st = LowerStmt(c, r.stmts[i]);
    if (!st.ok())
      return Status::Error(RuleName(r, env) + ": statement " +
                           std::to_string(i + 1) + ": " + st.message());
  }
  if (!r.comment.empty()) {
    auto udata = CommentUdata(NFTNL_UDATA_RULE_COMMENT, r.comment);
    nftnl_rule_set_data(nr, NFTNL_RULE_USERDATA, udata.data(), udata.size());
  }
  return out;
}

}  // namespace lvsnft::netlink
