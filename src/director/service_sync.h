// ServiceSync: brings a Director from one config to the next. When the
// change is confined to services that keep their shape (the same shared
// plumbing, host objects and slot blocks), only those services are lowered
// and only what they own is committed (Director::ApplyIncrement): the
// resident daemon's path for `ctl set` and reloads. Anything else, and any
// doubt, lowers the whole config and takes Director::Apply.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/lower_util.h"
#include "config/config.h"
#include "director/director.h"

namespace lvsnft::netlink {

/// A config text, shared and never changed once made.
using SharedText = std::shared_ptr<const std::string>;

/// What one sync did and which path it took.
struct SyncOutcome {
  DirectorReport report;
  bool incremental = false;  ///< Only the touched services were committed.
};

/// Syncs a Director config by config, incrementally where it can.
class ServiceSync {
 public:
  /// `director` must outlive this object.
  explicit ServiceSync(Director* director) : d_(director) {}

  /// Brings the director to `after`. `before` must be the config the last
  /// successful Sync brought it to (null: unknown); `config_text` is
  /// remembered for status and diff (shared: an increment with the same
  /// pointer as the last one's does not compare the text).
  Result<SyncOutcome> Sync(const Config* before, const Config& after,
                           const SharedText& config_text);

  /// Like Sync, when the caller knows what changed: `before` holds the
  /// services that may differ as the last successful sync had them, and
  /// `after` names each of them too (every other service is unchanged, the
  /// director settings as well). O(change), not O(config), unless the
  /// change moves a slot block or the shared plumbing (then: full).
  Result<SyncOutcome> SyncServices(const std::vector<Service>& before,
                                   const Config& after,
                                   const SharedText& config_text);

 private:
  Result<std::optional<DirectorReport>> TryIncrement(
      const Config& before, const Config& after,
      const std::set<std::string>& touched, const SharedText& config_text);
  Result<SyncOutcome> Changed(const std::vector<Service>& before,
                              const Config& after, const SharedText& text);
  Result<SyncOutcome> Full(const Config& after, const SharedText& text);

  Director* d_;
  bool known_ = false;  ///< needs_ and blocks_ describe the last config.
  std::map<std::string, uint32_t> needs_;
  std::map<std::string, lower::SlotBlock> blocks_;
};

}  // namespace lvsnft::netlink
