// Small builders for the plans of render_json_cases.cc: each case is a
// plan built in C++ plus the hand-written nft text of the same ruleset.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/plan.h"

namespace lvsnft::jsoncases {

using namespace lvsnft::plan;  // NOLINT: a builder vocabulary

/// What `nft -j -f` of the rendered JSON must do compared with `nft -f`.
enum class Expect {
  kSame,        ///< Both load; `nft list ruleset` texts are identical.
  kNoComments,  ///< Same, except table/chain/set comments (lost by 1.0.6).
  kFail,  ///< `nft -j -f` exits with `exit_code` and prints exactly `error`;
          ///< the text loads.
};

/// One case of the table.
struct Case {
  std::string name;  ///< File stem: safe characters only.
  std::string desc;  ///< What the case covers.
  Plan plan;         ///< Rendered with RenderJson.
  std::string nft;   ///< Hand-written equivalent nft script.
  Expect expect = Expect::kSame;
  std::string error;  ///< kFail: exact stderr of `nft -j -f`.
  int exit_code = 1;  ///< kFail: exit status (128 + signal if killed).
};

/// Parses an address that is known to be valid.
inline IpAddr Ip(const char* s) { return *IpAddr::Parse(s); }
/// An address value.
inline Value Ad(const char* s) { return AddrValue(Ip(s)); }
/// A protocol value.
inline Value Pr(uint8_t p) { return ProtoValue(p); }
/// A port value.
inline Value Po(uint16_t p) { return PortValue(p); }
/// A mark value.
inline Value Mk(uint32_t m) { return MarkValue(m); }
/// A raw value in the kernel layout of the field it is compared with.
inline Value Raw(std::vector<uint8_t> b) {
  return {DataType::kMark, SmallBytes(b)};
}

/// Mask bytes of a mark.
inline std::vector<uint8_t> MarkMask(uint32_t m) {
  return Mk(m).bytes.ToVector();
}
/// Mask bytes of an address.
inline std::vector<uint8_t> IpMask(const char* s) {
  return Ad(s).bytes.ToVector();
}
/// A field, optionally masked.
inline FieldRef F(Field f, std::vector<uint8_t> mask = {}) {
  return {f, std::move(mask)};
}
/// FIELD == VALUE.
inline Match Eq(FieldRef f, Value v) { return {std::move(f), std::move(v)}; }
/// Verdicts.
inline Verdict Accept() { return {VerdictKind::kAccept, ""}; }
inline Verdict Drop() { return {VerdictKind::kDrop, ""}; }
inline Verdict Return() { return {VerdictKind::kReturn, ""}; }
inline Verdict Jump(std::string c) {
  return {VerdictKind::kJump, std::move(c)};
}
inline Verdict Goto(std::string c) {
  return {VerdictKind::kGoto, std::move(c)};
}

/// A rule with an optional comment.
inline Rule R(std::vector<Stmt> stmts, std::string comment = "") {
  Rule r;
  r.stmts = std::move(stmts);
  r.comment = std::move(comment);
  return r;
}

/// Base chain properties.
inline BaseChain Base(std::string type, Hook hook, int prio,
                      std::string dev = "") {
  return {std::move(type), hook, prio, std::move(dev)};
}

/// A chain.
inline Chain Ch(std::string name, std::vector<Rule> rules,
                std::optional<BaseChain> base = std::nullopt,
                std::string comment = "") {
  Chain c;
  c.name = std::move(name);
  c.rules = std::move(rules);
  c.base = std::move(base);
  c.comment = std::move(comment);
  return c;
}

/// A set element.
inline Element El(std::vector<Value> key) {
  Element e;
  e.key = std::move(key);
  return e;
}
/// An interval element from key to end (inclusive).
inline Element Range(std::vector<Value> key, std::vector<Value> end) {
  Element e = El(std::move(key));
  e.key_end = std::move(end);
  return e;
}
/// A map element with data.
inline Element To(Element e, std::vector<Value> data) {
  e.data = std::move(data);
  return e;
}
/// A verdict map element.
inline Element To(Element e, Verdict v) {
  e.verdict = std::move(v);
  return e;
}

/// A plain set of the given key types.
inline Set S(std::string name, std::vector<DataType> key,
             std::vector<Element> elems = {}) {
  Set s;
  s.name = std::move(name);
  s.key = std::move(key);
  s.elements = std::move(elems);
  return s;
}
/// A data map.
inline Set M(std::string name, std::vector<DataType> key,
             std::vector<DataType> data, std::vector<Element> elems = {}) {
  Set s = S(std::move(name), std::move(key), std::move(elems));
  s.data = std::move(data);
  return s;
}
/// A verdict map.
inline Set VM(std::string name, std::vector<DataType> key,
              std::vector<Element> elems = {}) {
  Set s = S(std::move(name), std::move(key), std::move(elems));
  s.verdict_map = true;
  return s;
}

/// A one-table plan. The table is named lvsnft like the real ones.
inline Plan OneTable(TableFamily f, std::string comment, std::vector<Set> sets,
                     std::vector<Chain> chains) {
  Table t;
  t.family = f;
  t.name = "lvsnft";
  t.comment = std::move(comment);
  t.sets = std::move(sets);
  t.chains = std::move(chains);
  Plan p;
  p.tables.push_back(std::move(t));
  return p;
}

/// The preamble the text renderer writes before a table block.
inline std::string Head(const char* family) {
  std::string f = family;
  return "table " + f + " lvsnft\ndelete table " + f + " lvsnft\n";
}

/// Key types of the IPv4 dispatch map.
inline const std::vector<DataType> kDispatch4 = {
    DataType::kInetProto, DataType::kIpv4Addr, DataType::kInetService};
/// Key types of the IPv6 dispatch map.
inline const std::vector<DataType> kDispatch6 = {
    DataType::kInetProto, DataType::kIpv6Addr, DataType::kInetService};

}  // namespace lvsnft::jsoncases
