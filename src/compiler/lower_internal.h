// Internal interfaces between the lowering files (lower*.cc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/lower_util.h"
#include "compiler/plan.h"
#include "config/config.h"

namespace lvsnft::lower {

/// Declares sets on first use and emits them in a fixed order.
class SetCollector {
 public:
  /// `order` lists every set name this table may contain, in output order.
  explicit SetCollector(std::vector<std::string> order)
      : order_(std::move(order)) {}
  /// The set `name`, created from `proto` if it does not exist yet.
  plan::Set& Get(const std::string& name, const plan::Set& proto);
  /// The set `name`, or nullptr if it was not declared yet.
  plan::Set* Find(const std::string& name);
  /// True if `name` was declared.
  bool Has(const std::string& name) const { return sets_.count(name) > 0; }
  /// All declared sets in output order.
  std::vector<plan::Set> Take();

 private:
  std::vector<std::string> order_;
  std::map<std::string, plan::Set> sets_;
};

/// Accumulates `table inet lvsnft` while services are lowered.
struct NatTableBuilder {
  NatTableBuilder();
  plan::Table table;
  SetCollector sets;
  bool families[2] = {false, false};  ///< v4, v6 services present.

  /// Adds a service's slots to a slot map: be4/be6 (address), bep (port,
  /// for services that map ports) or canon (slot -> canonical slot).
  void SlotMap(const std::string& set, plan::SlotTable slots);
  /// Adds the dispatch entries (protocol . VIP . ports) of a service.
  void Dispatch(const Service& s);
  /// Marks the service's slot range as FULLNAT (SNAT in postrouting).
  void FullNat(const Service& s, const SlotBlock& b);
  /// Declares the persistence set of a family.
  void Persist(IpFamily f);
  /// Name of the shared chain that DNATs to the slot in ct mark ("dnat4",
  /// "dnat4p" with port mapping); records that it is needed for `proto`.
  std::string DnatChain(IpFamily f, bool port_mapping, Proto proto);
  /// (family, port mapping) -> protocols whose DNAT rules are needed.
  std::map<std::pair<IpFamily, bool>, std::set<Proto>> dnat_chains;
  /// Adds base chains and sets; returns the finished table.
  plan::Table Finish(const Director& d);
};

/// Appends the chain of one NAT/FULLNAT service (block may be null when the
/// service has no active server).
void AddNatServiceChain(const Service& s, const SlotBlock* block,
                        NatTableBuilder& t);

/// Builds `table netdev lvsnft` for the DR/TUN services of `cfg`.
plan::Table LowerNetdevTable(const Config& cfg,
                             const std::map<std::string, SlotBlock>& blocks);

/// The fields a hash scheduler hashes (sh: source, dh: destination,
/// mh: source [. source port]).
plan::Key HashKey(const Service& s);

/// `meta nfproto ipvX` (inet) or `meta protocol ipX` (netdev).
plan::Stmt FamilyMatch(plan::TableFamily t, IpFamily f);

/// Puts the family match nft would insert as an implicit dependency at the
/// front of every rule that reads an IP header field (so that the text, nft's
/// own bytecode and lvsnft's netlink bytecode are the same).
void AddFamilyDependencies(plan::Table& t);

/// Dispatch map elements for one service: proto . vip . port range
/// (key_end only for a range of more than one port).
std::vector<plan::Element> DispatchElements(const Service& s);

/// Adds a service's dispatch elements: single ports to svc4/svc6 (hash),
/// port ranges to svc4r/svc6r (interval).
void AddDispatch(SetCollector& sets, const Service& s);

/// The base-chain rules that look up the dispatch maps of family `f`.
std::vector<plan::Rule> DispatchRules(plan::TableFamily t, IpFamily f,
                                      const SetCollector& sets);

}  // namespace lvsnft::lower
