// What changed between two configurations, in operator terms: services and
// real servers added, removed or changed (weight, state, port, ...).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"

namespace lvsnft {

/// One change, attached to a service (and a real server, if any).
struct ConfigChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind = Kind::kChanged;
  std::string service;
  std::string real_server;  ///< "" for service-level changes.
  std::string field;        ///< Changed field ("weight", "state", ...).
  std::string before, after;
};

/// Changes from `before` to `after`, ordered by service (in `after` order,
/// removed services last) and then by real server.
std::vector<ConfigChange> DiffConfigs(const Config& before,
                                      const Config& after);

/// The services whose lowering may differ between `before` and `after`
/// (any field or real server differs), compared field by field without
/// building text (cheap at 10k services). Nullopt when services were added
/// or removed or the director settings differ: then everything may differ.
std::optional<std::set<std::string>> TouchedServices(const Config& before,
                                                     const Config& after);

/// "+", "-" or "~".
const char* ChangeSign(ConfigChange::Kind k);

}  // namespace lvsnft
