// Config parsing: JSON text -> typed Config, with located diagnostics.
#pragma once

#include <optional>
#include <string_view>

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Parses config v1 JSON text. Syntax errors, wrong types, unknown keys and
/// out-of-range values are reported to `diags` (all of them, not just the
/// first). Returns the config when no error was found.
std::optional<Config> ParseConfig(std::string_view text, Diagnostics& diags);

/// Parse + semantic checks (CheckConfig, also over the parts that parsed
/// when others did not) + warnings (WarnConfig, only for a valid config).
/// The entry point for commands.
std::optional<Config> LoadConfig(std::string_view text, Diagnostics& diags);

}  // namespace lvsnft
