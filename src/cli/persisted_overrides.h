// The daemon's persisted overrides as seen by the one-shot commands
// (`apply`, `diff -c`, `status`): the same sealed file the daemon keeps.
#pragma once

#include <string>

#include "cli/kernel_env.h"
#include "config/config.h"
#include "daemon/override_effects.h"
#include "daemon/overrides.h"

namespace lvsnft::cli {

/// `DIR/overrides-<netns id>.json`; call inside the namespace (after
/// OpenKernelEnv) when no --netns name is given.
std::string OverridesPath(const KernelOptions& o);

/// The overrides persisted for the namespace; none when there is no file.
/// A damaged file is ignored with a warning on stderr, as the daemon does.
daemon::Overrides LoadPersistedOverrides(const KernelOptions& o);

/// Applies `ov` to `cfg` and says what that changed (against the file).
daemon::OverrideReport ApplyOverrides(const daemon::Overrides& ov, Config& cfg);

/// A JSON report object (`apply --json`, `diff --output json`) with an
/// "overrides" array (OverridesJson) added, pretty-printed like it.
std::string WithOverridesJson(const std::string& report_json,
                              const daemon::OverrideReport& r);

}  // namespace lvsnft::cli
