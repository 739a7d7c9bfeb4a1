#include "compiler/json_stmt.h"

#include <cstring>
#include <span>
#include <type_traits>

namespace lvsnft::nftjson {

using nlohmann::json;
using plan::Field;

namespace {

// How the bytes of a field (or of a value of that field) are to be read.
enum class Kind { kNfproto, kEthertype, kL4proto, kMark, kAddr, kPort };

Kind FieldKind(Field f) {
  switch (f) {
    case Field::kMetaNfproto:
      return Kind::kNfproto;
    case Field::kMetaProtocol:
      return Kind::kEthertype;
    case Field::kMetaL4proto:
      return Kind::kL4proto;
    case Field::kMetaMark:
    case Field::kCtMark:
      return Kind::kMark;
    case Field::kIpSaddr:
    case Field::kIpDaddr:
    case Field::kIp6Saddr:
    case Field::kIp6Daddr:
      return Kind::kAddr;
    case Field::kThSport:
    case Field::kThDport:
      return Kind::kPort;
  }
  return Kind::kMark;
}

// Big-endian unsigned integer of the first n bytes (missing bytes are 0).
uint32_t BigEndian(std::span<const uint8_t> b, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | (i < b.size() ? b[i] : 0);
  return v;
}

// Host-order 32-bit integer (marks, numgen/hash results).
uint32_t HostU32(std::span<const uint8_t> b) {
  uint8_t raw[4] = {};
  std::memcpy(raw, b.data(), b.size() < 4 ? b.size() : 4);
  uint32_t v = 0;
  std::memcpy(&v, raw, 4);
  return v;
}

json AddrJson(std::span<const uint8_t> b) {
  IpAddr a;
  a.family = b.size() == 16 ? IpFamily::kV6 : IpFamily::kV4;
  for (size_t i = 0; i < b.size() && i < a.bytes.size(); ++i) {
    a.bytes[i] = b[i];
  }
  return a.ToString();
}

json ProtoJson(uint8_t p) {
  switch (p) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 132:
      return "sctp";
  }
  return p;
}

json NfprotoJson(uint8_t p) {
  if (p == 2) return "ipv4";
  if (p == 10) return "ipv6";
  return p;
}

json EthertypeJson(uint32_t t) {
  if (t == 0x0800) return "ip";
  if (t == 0x86dd) return "ip6";
  return t;
}

json KindValueJson(Kind k, std::span<const uint8_t> b) {
  switch (k) {
    case Kind::kNfproto:
      return NfprotoJson(b.empty() ? 0 : b[0]);
    case Kind::kEthertype:
      return EthertypeJson(BigEndian(b, 2));
    case Kind::kL4proto:
      return ProtoJson(b.empty() ? 0 : b[0]);
    case Kind::kMark:
      return HostU32(b);
    case Kind::kAddr:
      return AddrJson(b);
    case Kind::kPort:
      return BigEndian(b, 2);
  }
  return nullptr;
}

json Payload(const char* proto, const char* field) {
  return {{"payload", {{"protocol", proto}, {"field", field}}}};
}

json Meta(const char* key) { return {{"meta", {{"key", key}}}}; }

const char* IpFamilyKeyword(IpFamily f) {
  return f == IpFamily::kV4 ? "ip" : "ip6";
}

}  // namespace

json ValueJson(const plan::Value& v) {
  switch (v.type) {
    case plan::DataType::kInetProto:
      return KindValueJson(Kind::kL4proto, v.bytes);
    case plan::DataType::kIpv4Addr:
    case plan::DataType::kIpv6Addr:
      return KindValueJson(Kind::kAddr, v.bytes);
    case plan::DataType::kInetService:
      return KindValueJson(Kind::kPort, v.bytes);
    case plan::DataType::kMark:
      return KindValueJson(Kind::kMark, v.bytes);
  }
  return nullptr;
}

json FieldJson(Field f) {
  switch (f) {
    case Field::kMetaNfproto:
      return Meta("nfproto");
    case Field::kMetaProtocol:
      return Meta("protocol");
    case Field::kMetaL4proto:
      return Meta("l4proto");
    case Field::kMetaMark:
      return Meta("mark");
    case Field::kCtMark:
      return {{"ct", {{"key", "mark"}}}};
    case Field::kIpSaddr:
      return Payload("ip", "saddr");
    case Field::kIpDaddr:
      return Payload("ip", "daddr");
    case Field::kIp6Saddr:
      return Payload("ip6", "saddr");
    case Field::kIp6Daddr:
      return Payload("ip6", "daddr");
    case Field::kThSport:
      return Payload("th", "sport");
    case Field::kThDport:
      return Payload("th", "dport");
  }
  return nullptr;
}

json FieldValueJson(Field f, std::span<const uint8_t> b) {
  return KindValueJson(FieldKind(f), b);
}

json FieldRefJson(const plan::FieldRef& f) {
  if (f.mask.empty()) return FieldJson(f.field);
  return {{"&",
           json::array({FieldJson(f.field), FieldValueJson(f.field, f.mask)})}};
}

json KeyJson(const plan::Key& k) {
  if (k.size() == 1) return FieldRefJson(k[0]);
  json parts = json::array();
  for (const auto& f : k) parts.push_back(FieldRefJson(f));
  return {{"concat", parts}};
}

json VerdictJson(const plan::Verdict& v) {
  switch (v.kind) {
    case plan::VerdictKind::kAccept:
      return {{"accept", nullptr}};
    case plan::VerdictKind::kDrop:
      return {{"drop", nullptr}};
    case plan::VerdictKind::kJump:
      return {{"jump", {{"target", v.chain}}}};
    case plan::VerdictKind::kGoto:
      return {{"goto", {{"target", v.chain}}}};
    case plan::VerdictKind::kReturn:
      return {{"return", nullptr}};
  }
  return nullptr;
}

uint64_t TimeoutSeconds(uint64_t ms) { return (ms + 999) / 1000; }

namespace {

json SetRef(const std::string& set) { return "@" + set; }

json MarkSourceJson(const plan::MarkSource& src) {
  if (const auto* c = std::get_if<uint32_t>(&src)) return *c;
  if (const auto* n = std::get_if<plan::Numgen>(&src)) {
    return {{"numgen",
             {{"mode", n->random ? "random" : "inc"},
              {"mod", n->mod},
              {"offset", n->offset}}}};
  }
  if (const auto* h = std::get_if<plan::Jhash>(&src)) {
    return {{"jhash",
             {{"expr", KeyJson(h->key)},
              {"mod", h->mod},
              {"seed", h->seed},
              {"offset", h->offset}}}};
  }
  const auto& m = std::get<plan::MapOf>(src);
  return {{"map", {{"key", FieldJson(m.field)}, {"data", SetRef(m.set)}}}};
}

// The address operand of dnat/snat.
json NatAddrJson(const plan::NatTarget& t) {
  if (const auto* a = std::get_if<IpAddr>(&t)) return a->ToString();
  if (const auto* m = std::get_if<plan::NatAddrMap>(&t)) {
    return {{"map", {{"key", FieldJson(m->field)}, {"data", SetRef(m->set)}}}};
  }
  const auto& rr = std::get<plan::NatRoundRobin>(t);
  json elems = json::array();
  for (size_t i = 0; i < rr.addrs.size(); ++i) {
    elems.push_back(json::array({i, rr.addrs[i].ToString()}));
  }
  json ng = {
      {"numgen", {{"mode", "inc"}, {"mod", rr.addrs.size()}, {"offset", 0}}}};
  return {{"map", {{"key", ng}, {"data", {{"set", elems}}}}}};
}

json NatJson(const plan::Nat& n) {
  if (n.kind == plan::NatKind::kMasquerade) return {{"masquerade", nullptr}};
  const char* op = n.kind == plan::NatKind::kDnat ? "dnat" : "snat";
  json body = {{"family", IpFamilyKeyword(n.family)},
               {"addr", NatAddrJson(n.target)}};
  const auto* m = std::get_if<plan::NatAddrMap>(&n.target);
  if (m && !m->port_set.empty()) {
    body["port"] = {
        {"map", {{"key", FieldJson(m->field)}, {"data", SetRef(m->port_set)}}}};
  }
  return {{op, body}};
}

json UpdateJson(const plan::Update& u) {
  json elem = KeyJson(u.key);
  if (u.timeout_ms != 0) {
    elem = {
        {"elem", {{"val", elem}, {"timeout", TimeoutSeconds(u.timeout_ms)}}}};
  }
  return {{"set", {{"op", "update"}, {"elem", elem}, {"set", SetRef(u.set)}}}};
}

struct StmtVisitor {
  json operator()(const plan::Match& m) const {
    return {{"match",
             {{"op", "=="},
              {"left", FieldRefJson(m.field)},
              {"right", FieldValueJson(m.field.field, m.value.bytes)}}}};
  }
  json operator()(const plan::Lookup& l) const {
    return {
        {"match",
         {{"op", "=="}, {"left", KeyJson(l.key)}, {"right", SetRef(l.set)}}}};
  }
  json operator()(const plan::VmapLookup& v) const {
    return {{"vmap", {{"key", KeyJson(v.key)}, {"data", SetRef(v.set)}}}};
  }
  json operator()(const plan::SetMark& s) const {
    return {
        {"mangle",
         {{"key", FieldJson(s.target)}, {"value", MarkSourceJson(s.source)}}}};
  }
  json operator()(const plan::Update& u) const { return UpdateJson(u); }
  json operator()(const plan::Nat& n) const { return NatJson(n); }
  json operator()(const plan::Fwd& f) const {
    return {{"fwd",
             {{"dev", f.device},
              {"family", IpFamilyKeyword(f.to.family)},
              {"addr", f.to.ToString()}}}};
  }
  json operator()(const plan::Counter&) const { return {{"counter", nullptr}}; }
  json operator()(const plan::Verdict& v) const { return VerdictJson(v); }
};

}  // namespace

json StmtJson(const plan::Stmt& s) { return std::visit(StmtVisitor{}, s); }

}  // namespace lvsnft::nftjson
