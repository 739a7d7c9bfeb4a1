// Lowering: validated Config -> Plan (nftables objects + host objects).
#pragma once

#include "compiler/plan.h"
#include "config/config.h"

namespace lvsnft {

/// Builds the complete desired state for a director running `cfg`.
/// `cfg` must have passed CheckConfig. Deterministic: the same config
/// always yields the same plan.
plan::Plan Lower(const Config& cfg);

}  // namespace lvsnft
