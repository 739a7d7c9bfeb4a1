// Runtime overrides (`lvsnft ctl set/clear`): weight and state changes to
// real servers that modify the daemon's INPUT, the Config before lowering.
// They are persisted in the state dir and survive reloads and restarts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/addr.h"
#include "base/status.h"
#include "config/config.h"

namespace lvsnft::daemon {

/// One override: what `ctl set` asked for one real server.
struct Override {
  std::string service;
  IpAddr address;
  std::optional<uint16_t> port;  ///< Absent: every server at `address`.
  std::optional<uint32_t> weight;
  std::optional<RsState> state;
  /// "web 10.0.0.2:80" as used in messages and metrics.
  std::string Target() const;
};

/// Parses "ADDR" or "ADDR:PORT" ("[V6]:PORT" for IPv6 with a port).
Result<std::pair<IpAddr, std::optional<uint16_t>>> ParseServerRef(
    const std::string& text);
/// "10.0.0.2", "10.0.0.2:80", "[2001:db8::2]:80".
std::string ServerRef(const IpAddr& a, std::optional<uint16_t> port);

/// True when `o` names real server `rs` of service `svc`.
bool Matches(const Override& o, const Service& svc, const RealServer& rs);

/// The ordered set of overrides, at most one per target.
class Overrides {
 public:
  /// Adds `o`, merged into an existing override of the same target (a new
  /// weight or state replaces the old one). Fails when `cfg` has no such
  /// service or real server.
  Status Set(const Config& cfg, const Override& o);
  /// Removes the override of one target; false when there was none.
  bool Clear(const std::string& service, const IpAddr& a,
             std::optional<uint16_t> port);
  /// Removes every override; returns how many there were.
  size_t ClearAll();
  /// Applies the overrides to `cfg`; names (in `unmatched`) those whose
  /// target the config no longer has (kept, unused).
  void ApplyTo(Config& cfg, std::vector<std::string>* unmatched) const;
  /// ApplyTo for one service: the overrides naming `svc` only.
  void ApplyToService(Service& svc, std::vector<std::string>* unmatched) const;
  const std::vector<Override>& items() const { return items_; }

  /// JSON array text; the persistence and `status` format.
  std::string ToJson() const;
  /// Parses ToJson's output.
  static Result<Overrides> FromJson(const std::string& text);
  /// Reads `path` (sealed); a missing file gives no overrides.
  static Result<Overrides> Load(const std::string& path);
  /// Writes `path` atomically (sealed).
  Status Save(const std::string& path) const;

 private:
  std::vector<Override> items_;
};

}  // namespace lvsnft::daemon
