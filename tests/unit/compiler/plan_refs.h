// Test helper: references of a lowered table that point nowhere.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/plan.h"

namespace lvsnft::testing {

/// Names of the sets a statement reads or writes.
inline std::vector<std::string> SetsOf(const plan::Stmt& s) {
  if (auto* l = std::get_if<plan::Lookup>(&s)) return {l->set};
  if (auto* v = std::get_if<plan::VmapLookup>(&s)) return {v->set};
  if (auto* u = std::get_if<plan::Update>(&s)) return {u->set};
  if (auto* m = std::get_if<plan::SetMark>(&s)) {
    if (auto* o = std::get_if<plan::MapOf>(&m->source)) return {o->set};
  }
  if (auto* n = std::get_if<plan::Nat>(&s)) {
    if (auto* m = std::get_if<plan::NatAddrMap>(&n->target)) {
      std::vector<std::string> out = {m->set};
      if (!m->port_set.empty()) out.push_back(m->port_set);
      return out;
    }
  }
  return {};
}

/// Every set a rule uses and every chain a rule or element jumps to that
/// the table does not declare, as "@set in chain", "chain in chain" or
/// "chain in set" (empty: the table is self-contained, as nft requires).
inline std::vector<std::string> DanglingRefs(const plan::Table& t) {
  std::set<std::string> sets, chains;
  std::vector<std::string> out;
  for (const auto& s : t.sets) sets.insert(s.name);
  for (const auto& c : t.chains) chains.insert(c.name);
  for (const auto& c : t.chains) {
    for (const auto& r : c.rules) {
      for (const auto& st : r.stmts) {
        for (const auto& name : SetsOf(st)) {
          if (!sets.count(name)) out.push_back("@" + name + " in " + c.name);
        }
        auto* v = std::get_if<plan::Verdict>(&st);
        if (v && !v->chain.empty() && !chains.count(v->chain)) {
          out.push_back(v->chain + " in " + c.name);
        }
      }
    }
  }
  for (const auto& s : t.sets) {
    for (const auto& e : s.elements) {
      if (e.verdict && !e.verdict->chain.empty() &&
          !chains.count(e.verdict->chain)) {
        out.push_back(e.verdict->chain + " in " + s.name);
      }
    }
  }
  return out;
}

}  // namespace lvsnft::testing
