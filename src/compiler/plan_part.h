// Parts of a plan by owner: what a set of services owns (their chains,
// elements and slot tables) and the shared plumbing around it. The
// incremental sync changes only owned parts, and only while the shared
// part stays the same.
#pragma once

#include <set>
#include <string>

#include "compiler/plan.h"

namespace lvsnft::plan {

/// The objects of `p` that `services` own: every table with every set
/// declaration (holding only the owned elements and slot tables) and the
/// chains whose owner is in `services`. No host objects.
Plan OwnedPart(const Plan& p, const std::set<std::string>& services);

/// Everything of `p` that OwnedPart leaves out (set declarations with the
/// elements nobody in `services` owns, chains of other owners) plus the
/// host objects.
Plan SharedPart(const Plan& p, const std::set<std::string>& services);

/// True when `a` and `b` have the same SharedPart (tables compared as nft
/// text, host objects field by field).
bool SameSharedPart(const Plan& a, const Plan& b,
                    const std::set<std::string>& services);

}  // namespace lvsnft::plan
