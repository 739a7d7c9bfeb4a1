// Lowering: validated Config -> Plan (nftables objects + host objects).
#pragma once

#include <map>
#include <set>
#include <string>

#include "compiler/lower_util.h"
#include "compiler/plan.h"
#include "config/config.h"

namespace lvsnft {

/// Builds the complete desired state for a director running `cfg`.
/// `cfg` must have passed CheckConfig. Deterministic: the same config
/// always yields the same plan.
plan::Plan Lower(const Config& cfg);

namespace lower {
/// The host objects of Lower(cfg) alone (VIPs on the director interface,
/// sysctls, ipip devices): what an address or link change can move.
plan::HostPlan LowerHost(const Config& cfg);
}  // namespace lower

/// Slots each service of `cfg` needs (the input of lower::AllocateSlots).
std::map<std::string, uint32_t> SlotNeeds(const Config& cfg);

/// Lower() with the slot blocks given (Lower(cfg) is
/// LowerWith(cfg, AllocateSlots(SlotNeeds(cfg)))).
plan::Plan LowerWith(const Config& cfg,
                     const std::map<std::string, lower::SlotBlock>& blocks);

/// Lowers only the services of `cfg` named in `names`, with the blocks of
/// the whole config: every object a chosen service owns (its chains, its
/// rules and elements, see plan::OwnedPart) is the same as in
/// LowerWith(cfg, blocks). Shared plumbing is what these services alone
/// would need.
plan::Plan LowerServices(const Config& cfg, const std::set<std::string>& names,
                         const std::map<std::string, lower::SlotBlock>& blocks);

}  // namespace lvsnft
