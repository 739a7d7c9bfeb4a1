// Renderers of a plan: nft text (for `nft -f`) and nft JSON (for `nft -j -f`).
#pragma once

#include <ostream>
#include <string>

#include "compiler/plan.h"

namespace lvsnft {

/// Renders the plan's tables as an nft script. Loading it with `nft -f`
/// creates exactly the objects `apply` creates. The script first (re)creates
/// and deletes each lvsnft table, so it replaces a previous version.
std::string RenderNft(const plan::Plan& p);
/// The same script written to `out` as it is made: the plan's slot tables
/// are never held as text (a big hash-scheduled config is gigabytes).
void RenderNft(const plan::Plan& p, std::ostream& out);

/// Renders one rule's statements in nft syntax (no comment, no newline).
std::string RenderRuleNft(const plan::Rule& r, plan::TableFamily family);

/// Renders the plan's tables as nft JSON (the libnftables JSON schema that
/// `nft -j -f` of Debian 12's nft 1.0.6 accepts).
std::string RenderJson(const plan::Plan& p);

}  // namespace lvsnft
