// Lowering of plan rules to libnftnl rules: the expressions nft 1.0.6
// generates for the same statements written as text.
//
// Implicit dependencies are added exactly where nft adds them: before the
// first statement that reads an IPv4/IPv6 header field while the rule has
// not yet established the network protocol, nft inserts `meta nfproto
// ipv4|ipv6` (inet tables) or `meta protocol ip|ip6` (netdev tables). A
// plan may therefore state the match explicitly or leave it out; the
// bytecode is the same as nft's for the rendered text either way. Nothing
// else is added: `th sport/dport` and `meta l4proto` need no dependency.
// NAT to an address . port map needs a `meta l4proto` match earlier in
// the rule (nft: "transport protocol mapping is only valid after
// transport protocol match"); the lowering reports the same error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/nft/nft_handle.h"
#include "kernel/nft/nft_linearize.h"
#include "kernel/nft/nft_objects.h"

namespace lvsnft::netlink {

/// What the lowering needs from around the rule.
struct RuleEnv {
  TableId table;      ///< Table of the rule.
  std::string chain;  ///< Chain the rule is appended to.
  /// Named sets of the table; nullptr for an unknown name.
  std::function<const SetRef*(const std::string&)> find_set;
  /// Interface index of a device name (fwd); nullopt when it is unknown.
  std::function<std::optional<uint32_t>(const std::string&)> ifindex;
  /// Next NFTA_SET_ID for an anonymous set the rule needs.
  std::function<uint32_t()> next_set_id;
};

/// A lowered rule and the anonymous sets (with elements) it references,
/// which must be added to the same batch before it.
struct LoweredRule {
  RulePtr rule;                            ///< The rule with its expressions.
  std::vector<SetWithElements> anon_sets;  ///< Sets to add before it.
};

/// Lowers `r` for the chain `env.chain` of `env.table`. Errors name the
/// statement (1-based) and the problem.
Result<LoweredRule> LowerRule(const plan::Rule& r, const RuleEnv& env);

}  // namespace lvsnft::netlink
