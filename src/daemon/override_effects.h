// What the persisted overrides change, real server by real server, for
// the commands that show them next to the file's values (`diff -c`,
// `apply`, `status`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/overrides.h"
#include "director/status.h"

namespace lvsnft::daemon {

/// One real server an override changes. A field is overridden when its
/// value is set; the file_ field then holds what the config file says.
struct OverrideEffect {
  std::string service;
  std::string server;  ///< The real server's label, "192.168.1.11:80".
  std::optional<uint32_t> weight, file_weight;
  std::optional<RsState> state, file_state;
};

/// The effects of a set of overrides on one config.
struct OverrideReport {
  std::vector<OverrideEffect> effects;  ///< One per matched real server.
  std::vector<Override> unused;         ///< Targets the config lacks.
};

/// What `ov` changes in `base` (the config as the file says it).
OverrideReport DescribeOverrides(const Overrides& ov, const Config& base);

/// One line per effect, "override: web 192.168.1.11:80 state drain (file:
/// up)", and per unused target, "override: web 10.0.0.9:80 unused (no such
/// real server in the config)".
std::string OverrideLines(const OverrideReport& r);

/// [{"service","server","weight","file_weight","state","file_state"}]
/// (only the overridden fields), unused targets as {"service","server",
/// "unused":true}.
nlohmann::ordered_json OverridesJson(const OverrideReport& r);

/// Marks the servers of `s` that `r` changes with their file values
/// (RsStatus::file_weight / file_state).
void MarkOverrides(const OverrideReport& r, netlink::DirectorStatus& s);

}  // namespace lvsnft::daemon
