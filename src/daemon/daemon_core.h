// The daemon's state and decisions, without the event loop: the config
// file and the overrides (the input), syncing the kernel to them through
// DirectorPort, reloads, control requests and the counters. daemon_loop.cc
// calls it from libevent callbacks; one thread, so no locking.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "config/diag.h"
#include "config/reread.h"
#include "daemon/director_port.h"
#include "daemon/health_input.h"
#include "daemon/metrics.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {

struct Request;

/// Why a sync runs; kEvent and kPeriodic syncs that change the kernel are
/// drift repairs; kHealth follows health-check transitions.
enum class SyncReason { kStart, kReload, kControl, kEvent, kPeriodic, kHealth };

/// What the core is built from.
struct CoreOptions {
  std::string config_path;
  std::string overrides_path;  ///< Persisted overrides (sealed JSON).
  std::string netns;           ///< The namespace's id (in `status` replies).
  DirectorPort* port = nullptr;
  /// Where a dead server's conntrack entries are deleted (null: nowhere).
  netlink::ConnTrack* conntrack = nullptr;
  /// Where a dead DR/TUN server's flow entries are deleted (null: nowhere).
  netlink::NftKernel* nft = nullptr;
  /// Called with "RELOADING=1" / "READY=1" around reloads (sd_notify).
  std::function<void(const char*)> notify = [](const char*) {};
};

/// The daemon's input, its kernel syncs and its control requests.
class DaemonCore {
 public:
  explicit DaemonCore(CoreOptions o) : o_(std::move(o)) {}

  /// Loads the config and the overrides. Errors are the located
  /// diagnostics (FILE:LINE:COL: error: ...), one per entry.
  Status Load(std::vector<std::string>* errors);
  /// Brings the kernel to config + overrides.
  Status Sync(SyncReason why);
  /// Re-reads the config file; an invalid file changes nothing and its
  /// diagnostics land in `errors`. Syncs on success.
  bool Reload(std::vector<std::string>* errors);
  /// The cheap check (periodic, or after an nftables notification): syncs
  /// when the ruleset generation moved since the last sync (or the last
  /// sync failed), so the echo of the daemon's own commits costs nothing.
  void Check(SyncReason why);
  /// After an address or link change: a full sync when lvsnft's host
  /// objects moved (or the last sync failed), else Check. The daemon's own
  /// VIPs echo back as such changes after every start.
  void HostEvent();
  /// Handles one control request; returns the JSON reply line.
  std::string Handle(const std::string& request);
  /// Writes what the last syncs left for after the reply (the director's
  /// state file after a reload); the loop calls it once a reply is out.
  void Persist();

  /// Feeds health results into the input (file -> health -> overrides)
  /// and subscribes the loaded config's checks; null detaches.
  void AttachHealth(HealthInput* h);
  const DaemonStats& stats() const { return stats_; }
  /// The config after health and overrides, as last synced (or, after a
  /// failed sync, as the next sync will try again).
  const Config& effective() const { return eff_; }

  /// Sync when only the services in `names` may have changed (in the file
  /// or in their health or overrides): patches eff_ for them alone and
  /// hands the port only their old state. Falls back to Sync when it
  /// cannot.
  Status SyncServices(SyncReason why, const std::set<std::string>& names);

 private:
  std::string StatusReply() const;
  std::string ReloadReply();
  std::string OverrideReply(const Request& r);
  /// What ReadConfig read besides the config.
  struct FileRead {
    netlink::SharedText text;
    std::optional<ServiceSpans> spans;  ///< Of `text`, when a reread ran.
    /// The services that can differ from eff_'s file view, when a reread
    /// knows (nullopt: compare them all).
    std::optional<std::set<std::string>> touched;
    /// Set when the file's config was patched into eff_'s file view in
    /// place (RereadInPlace); then the config itself is not returned.
    std::optional<RereadPatch> patch;
  };
  /// Reads and checks the config file; `reread` lets it reuse the running
  /// parse (RereadConfig) of the services text_ also has.
  Status ReadConfig(Config& cfg, FileRead& out,
                    std::vector<std::string>* errors, bool reread = false);
  /// LoadConfig of `text`, or RereadConfig over text_ when `reread`.
  std::optional<Config> ParseFile(std::string_view text, Diagnostics& diags,
                                  bool reread, FileRead& out);
  /// RereadInPlace of `text` over text_ into eff_'s file view (sets
  /// out.patch); false when it does not apply.
  bool PatchFile(std::string_view text, Diagnostics& diags, FileRead& out);
  /// The host check of the config read (`c`, or eff_ when patched); a
  /// rejected patch is undone.
  Result<bool> CheckHost(std::optional<Config>& c, FileRead& out,
                         Diagnostics& diags);
  /// The services a reread re-parsed that differ from eff_'s file view;
  /// nullopt when one was renamed or the entries moved.
  std::optional<std::set<std::string>> RereadTouched(const Reread& r) const;
  /// Stats, drift counter and log lines of a finished sync.
  Status Finish(SyncReason why, const Result<SyncResult>& r, double secs);
  /// Syncs everything to `file` (the file's config) + health + overrides.
  Status SyncFrom(SyncReason why, Config file);
  /// Adopts `cfg` as both file and effective config (before its sync).
  void SetFile(Config cfg);
  /// Finds what the next reread of the file needs and no one knows yet
  /// (spans_, reading_files_): at start and after replies, not during one.
  void Warm();
  /// Rebuilds index_ for the services of `cfg`.
  void Index(const Config& cfg);
  /// Applies health and overrides to service `i` of `cfg` (the file's
  /// form) and keeps that form in `file_only` when they changed it.
  void Derive(Config& cfg, size_t i,
              std::unordered_map<size_t, Service>& file_only,
              std::vector<std::string>* unmatched) const;
  /// Derives service `i`'s effective form again from its file form in
  /// file_only_ (for new origins; the content is the running one's).
  void Rederive(size_t i);
  /// A copy of the file's config.
  Config FileView();
  /// Runs `f` on eff_ showing the file's config (file_only_ swapped in).
  void WithFileView(const std::function<void()>& f);
  /// Reload's short path: the file keeps its services and their order,
  /// and only `touched` differ.
  Status ReloadServices(Config cfg, const std::set<std::string>& touched);
  /// Reload's short path after a patch in place: syncs the services whose
  /// file form changed.
  Status ReloadPatched(RereadPatch& p);

  CoreOptions o_;
  /// The config is held once: eff_ is what runs (file + health +
  /// overrides); the file's form of the few services health or the
  /// overrides changed is kept aside, by position.
  Config eff_;
  std::unordered_map<size_t, Service> file_only_;
  /// Service name -> its index in eff_ (the file's order).
  std::unordered_map<std::string, size_t> index_;
  /// The config file's text (immutable once read: shared with the
  /// director, which tells a new text by its pointer).
  netlink::SharedText text_;
  /// Where text_'s service entries lie, from the reread that read it
  /// (nullopt: not known, a reread scans text_ again).
  std::optional<ServiceSpans> spans_;
  /// How many services of the file's config have checks that read files,
  /// from the reload that patched it (nullopt: counted by the next one).
  std::optional<size_t> reading_files_;
  Overrides overrides_;
  HealthInput* health_ = nullptr;
  DaemonStats stats_;
  bool dirty_ = true;  ///< Last sync failed (or none yet).
};

}  // namespace lvsnft::daemon
