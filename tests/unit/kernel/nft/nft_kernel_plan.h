// A small but complete director plan (docs/LAYOUT.md: NAT, persistence,
// FULLNAT and DR services) and the same ruleset as hand-written nft text,
// for tests/kernel/nftnl_apply.test.sh.
#pragma once

#include <string>

#include "compiler/plan.h"

namespace lvsnft::testing {

/// The inet table of the plan (NAT, persistence, FULLNAT, source hash).
plan::Table KernelInetTable();
/// The inet table as nft text.
std::string KernelInetText();
/// The netdev table of the plan (DR on device `kKernelDevice`).
plan::Table KernelNetdevTable();
/// The netdev table as nft text.
std::string KernelNetdevText();

/// Both tables as one `nft -f` script.
inline std::string KernelPlanText() {
  return KernelInetText() + KernelNetdevText();
}

/// The ingress device of the netdev table (a veth in the test netns).
inline constexpr const char* kKernelDevice = "vA";

}  // namespace lvsnft::testing
