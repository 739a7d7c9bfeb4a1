// Terse constructors of plan objects for the netlink tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/addr.h"
#include "compiler/plan.h"

namespace lvsnft::testing {

using plan::DataType;
using plan::Field;

/// An address literal (the tests only use valid ones).
inline IpAddr A(const char* text) { return *IpAddr::Parse(text); }

/// An inet_proto value.
inline plan::Value Proto(uint8_t p) { return plan::ProtoValue(p); }
/// An ipv4_addr / ipv6_addr value.
inline plan::Value Addr(const char* a) { return plan::AddrValue(A(a)); }
/// An inet_service value.
inline plan::Value Port(uint16_t p) { return plan::PortValue(p); }
/// A mark value.
inline plan::Value Mark(uint32_t m) { return plan::MarkValue(m); }
/// meta nfproto ipv4 / ipv6 (1 byte, as the kernel compares it).
inline plan::Value Nfproto(uint8_t p) { return {DataType::kInetProto, {p}}; }
/// meta protocol ip / ip6 (ethertype, 2 bytes network order).
inline plan::Value Ethertype(uint16_t t) {
  return {DataType::kInetService,
          {static_cast<uint8_t>(t >> 8), static_cast<uint8_t>(t)}};
}

/// A field reference, optionally masked.
inline plan::FieldRef F(Field f, std::vector<uint8_t> mask = {}) {
  return {f, std::move(mask)};
}
/// A mark mask in host order.
inline std::vector<uint8_t> MarkMask(uint32_t m) {
  return Mark(m).bytes.ToVector();
}
/// An address mask (network order).
inline std::vector<uint8_t> AddrMask(const char* a) {
  return Addr(a).bytes.ToVector();
}

/// `FIELD VALUE`.
inline plan::Match Match(plan::FieldRef f, plan::Value v) {
  return {std::move(f), std::move(v)};
}
/// `meta nfproto ipv4|ipv6` (2 or 10).
inline plan::Match NfprotoIs(uint8_t p) {
  return Match(F(Field::kMetaNfproto), Nfproto(p));
}
/// `meta l4proto P`.
inline plan::Match L4Is(uint8_t p) {
  return Match(F(Field::kMetaL4proto), Proto(p));
}
/// `jump C`.
inline plan::Verdict Jump(std::string c) {
  return {plan::VerdictKind::kJump, std::move(c)};
}
/// `goto C`.
inline plan::Verdict Goto(std::string c) {
  return {plan::VerdictKind::kGoto, std::move(c)};
}
/// `accept`.
inline plan::Verdict Accept() { return {plan::VerdictKind::kAccept, ""}; }
/// `drop`.
inline plan::Verdict Drop() { return {plan::VerdictKind::kDrop, ""}; }
/// `return`.
inline plan::Verdict Return() { return {plan::VerdictKind::kReturn, ""}; }
/// `TARGET set SRC`; the source is emplaced (copying a variant that
/// holds a uint32_t trips GCC 12's -Wmaybe-uninitialized under ASan).
template <typename T>
plan::SetMark SetField(Field target, T source) {
  plan::SetMark m;
  m.target = target;
  m.source.emplace<T>(std::move(source));
  return m;
}
/// `meta mark set SRC` (uint32_t, Numgen, Jhash or MapOf).
template <typename T>
plan::SetMark SetMeta(T source) {
  return SetField(Field::kMetaMark, std::move(source));
}
/// `ct mark set SRC` (uint32_t, Numgen, Jhash or MapOf).
template <typename T>
plan::SetMark SetCt(T source) {
  return SetField(Field::kCtMark, std::move(source));
}
/// `dnat ip|ip6 to T`.
inline plan::Nat Dnat(plan::NatTarget t, IpFamily f = IpFamily::kV4) {
  return {plan::NatKind::kDnat, f, std::move(t)};
}
/// `snat ip|ip6 to T`.
inline plan::Nat Snat(plan::NatTarget t, IpFamily f = IpFamily::kV4) {
  return {plan::NatKind::kSnat, f, std::move(t)};
}
/// `masquerade`.
inline plan::Nat Masquerade() {
  return {plan::NatKind::kMasquerade, IpFamily::kV4, std::monostate{}};
}

/// A rule.
inline plan::Rule R(std::vector<plan::Stmt> s, std::string comment = "") {
  plan::Rule r;
  r.stmts = std::move(s);
  r.comment = std::move(comment);
  return r;
}

/// A regular chain.
inline plan::Chain Chain(std::string name, std::vector<plan::Rule> rules,
                         std::string comment = "") {
  plan::Chain c;
  c.name = std::move(name);
  c.rules = std::move(rules);
  c.comment = std::move(comment);
  return c;
}

/// A base chain.
inline plan::Chain Base(std::string name, std::string type, plan::Hook hook,
                        int prio, std::vector<plan::Rule> rules,
                        std::string device = "", std::string comment = "") {
  plan::Chain c = Chain(std::move(name), std::move(rules), std::move(comment));
  c.base = plan::BaseChain{std::move(type), hook, prio, std::move(device)};
  return c;
}

/// A set or map declaration.
inline plan::Set Set(std::string name, std::vector<DataType> key,
                     std::vector<DataType> data = {}) {
  plan::Set s;
  s.name = std::move(name);
  s.key = std::move(key);
  s.data = std::move(data);
  return s;
}

/// An element (with map data).
inline plan::Element E(std::vector<plan::Value> key,
                       std::vector<plan::Value> data = {}) {
  plan::Element e;
  e.key = std::move(key);
  e.data = std::move(data);
  return e;
}
/// A range element [lo, hi].
inline plan::Element Range(std::vector<plan::Value> lo,
                           std::vector<plan::Value> hi,
                           std::vector<plan::Value> data = {}) {
  plan::Element e = E(std::move(lo), std::move(data));
  e.key_end = std::move(hi);
  return e;
}
/// A verdict map element, optionally a range.
inline plan::Element V(std::vector<plan::Value> key, plan::Verdict v,
                       std::vector<plan::Value> key_end = {}) {
  plan::Element e = E(std::move(key));
  e.key_end = std::move(key_end);
  e.verdict = std::move(v);
  return e;
}

/// A table.
inline plan::Table Table(plan::TableFamily f, std::string name,
                         std::vector<plan::Set> sets,
                         std::vector<plan::Chain> chains,
                         std::string comment = "") {
  plan::Table t;
  t.family = f;
  t.name = std::move(name);
  t.sets = std::move(sets);
  t.chains = std::move(chains);
  t.comment = std::move(comment);
  return t;
}

}  // namespace lvsnft::testing
