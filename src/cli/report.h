// Printing director reports (apply, diff, destroy) as text or JSON.
#pragma once

#include <string>
#include <vector>

#include "compiler/config_diff.h"
#include "director/director.h"

namespace lvsnft::cli {

/// Text: changes grouped by service ("director" for the rest), config-level
/// changes first when given.
std::string ReportText(const netlink::DirectorReport& r,
                       const std::vector<ConfigChange>& config_changes);

/// One line per service with the number of changes (for large reports).
std::string ReportSummary(const netlink::DirectorReport& r);

/// JSON object with in_sync, config_changes, changes, counts,
/// transactions (committed: 0 or 1), attempts (1 + retries caused by
/// concurrent writers), stale_slots and the config's warnings (as printed).
std::string ReportJson(const netlink::DirectorReport& r,
                       const std::vector<ConfigChange>& config_changes,
                       const std::vector<std::string>& warnings = {});

}  // namespace lvsnft::cli
