// nft text for values, fields and statements of the plan vocabulary.
#include <charconv>
#include <span>

#include "compiler/render_nft_internal.h"

namespace lvsnft::nfttext {

using plan::DataType;
using plan::Field;

namespace {

// "0x%08x" without printf (a mark value prints so).
std::string Hex32(uint32_t v) { return ValueText(plan::MarkValue(v)); }

IpAddr AddrOf(std::span<const uint8_t> bytes) {
  IpAddr a;
  a.family = bytes.size() == 4 ? IpFamily::kV4 : IpFamily::kV6;
  std::copy(bytes.begin(), bytes.end(), a.bytes.begin());
  return a;
}

std::string NatFamily(IpFamily f) { return f == IpFamily::kV4 ? "ip" : "ip6"; }

std::string Source(const plan::MarkSource& src) {
  if (auto* v = std::get_if<uint32_t>(&src)) return Hex32(*v);
  if (auto* n = std::get_if<plan::Numgen>(&src)) {
    return std::string("numgen ") + (n->random ? "random" : "inc") + " mod " +
           std::to_string(n->mod) + " offset " + std::to_string(n->offset);
  }
  if (auto* j = std::get_if<plan::Jhash>(&src)) {
    char seed[16] = {'0', 'x'};
    char* end = std::to_chars(seed + 2, seed + sizeof seed, j->seed, 16).ptr;
    return "jhash " + KeyText(j->key) + " mod " + std::to_string(j->mod) +
           " seed " + std::string(seed, end) + " offset " +
           std::to_string(j->offset);
  }
  const auto& m = std::get<plan::MapOf>(src);
  return FieldText(plan::FieldRef{m.field, {}}) + " map @" + m.set;
}

std::string NatText(const plan::Nat& n) {
  if (n.kind == plan::NatKind::kMasquerade) return "masquerade";
  std::string out = n.kind == plan::NatKind::kDnat ? "dnat " : "snat ";
  out += NatFamily(n.family) + " to ";
  if (auto* a = std::get_if<IpAddr>(&n.target)) return out + a->ToString();
  if (auto* m = std::get_if<plan::NatAddrMap>(&n.target)) {
    std::string field = FieldText(plan::FieldRef{m->field, {}});
    out += field + " map @" + m->set;
    if (!m->port_set.empty()) out += " : " + field + " map @" + m->port_set;
    return out;
  }
  const auto& rr = std::get<plan::NatRoundRobin>(n.target);
  out += "numgen inc mod " + std::to_string(rr.addrs.size()) + " map { ";
  for (size_t i = 0; i < rr.addrs.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(i) + " : " + rr.addrs[i].ToString();
  }
  return out + " }";
}

}  // namespace

std::string ValueText(const plan::Value& v) {
  std::string out;
  AppendValue(out, v);
  return out;
}

std::string FieldText(const plan::FieldRef& f) {
  static const char* const kNames[] = {
      "meta nfproto", "meta protocol", "meta l4proto", "meta mark",
      "ct mark",      "ip saddr",      "ip daddr",     "ip6 saddr",
      "ip6 daddr",    "th sport",      "th dport"};
  std::string out = kNames[static_cast<int>(f.field)];
  if (!f.mask.empty()) out += " & " + AddrOf(f.mask).ToString();
  return out;
}

std::string KeyText(const plan::Key& k) {
  std::string out;
  for (size_t i = 0; i < k.size(); ++i)
    out += (i ? " . " : "") + FieldText(k[i]);
  return out;
}

std::string MatchValueText(const plan::Match& m) {
  uint8_t b0 = m.value.bytes.at(0);
  switch (m.field.field) {
    case Field::kMetaNfproto:
      return b0 == 2 ? "ipv4" : b0 == 10 ? "ipv6" : std::to_string(b0);
    case Field::kMetaProtocol:
      return b0 == 0x08 ? "ip" : "ip6";
    default:
      return ValueText(m.value);
  }
}

std::string VerdictText(const plan::Verdict& v) {
  switch (v.kind) {
    case plan::VerdictKind::kAccept:
      return "accept";
    case plan::VerdictKind::kDrop:
      return "drop";
    case plan::VerdictKind::kJump:
      return "jump " + v.chain;
    case plan::VerdictKind::kGoto:
      return "goto " + v.chain;
    case plan::VerdictKind::kReturn:
      return "return";
  }
  return "?";
}

std::string StmtText(const plan::Stmt& s) {
  struct V {
    std::string operator()(const plan::Match& m) {
      return FieldText(m.field) + " " + MatchValueText(m);
    }
    std::string operator()(const plan::Lookup& l) {
      return KeyText(l.key) + " @" + l.set;
    }
    std::string operator()(const plan::VmapLookup& l) {
      return KeyText(l.key) + " vmap @" + l.set;
    }
    std::string operator()(const plan::SetMark& m) {
      return FieldText(plan::FieldRef{m.target, {}}) + " set " +
             Source(m.source);
    }
    std::string operator()(const plan::Update& u) {
      std::string t =
          u.timeout_ms ? " timeout " + std::to_string(u.timeout_ms / 1000) + "s"
                       : "";
      return "update @" + u.set + " { " + KeyText(u.key) + t + " }";
    }
    std::string operator()(const plan::Nat& n) { return NatText(n); }
    std::string operator()(const plan::Fwd& f) {
      return "fwd " + NatFamily(f.to.family) + " to " + f.to.ToString() +
             " device \"" + f.device + "\"";
    }
    std::string operator()(const plan::Counter&) { return "counter"; }
    std::string operator()(const plan::Verdict& v) { return VerdictText(v); }
  };
  return std::visit(V{}, s);
}

}  // namespace lvsnft::nfttext
