// The one place where the daemon calls the director. Everything else in
// src/daemon sees only DirectorPort, so moving to another director API is
// a change to director_port.cc alone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "config/diag.h"
#include "director/director.h"
#include "director/service_sync.h"

namespace lvsnft::daemon {

/// One line of what a sync changed, attributed to a service.
struct SyncLine {
  std::string service;  ///< "" = the director itself.
  std::string text;     ///< "+ element ... (10.0.0.2:80)".
};

/// What one sync did.
struct SyncResult {
  size_t nft_changes = 0;
  size_t host_changes = 0;
  int transactions = 0;      ///< Batches sent (0 when already in sync).
  uint32_t genid = 0;        ///< Ruleset generation after the sync.
  bool incremental = false;  ///< Only the changed services were committed.
  std::vector<SyncLine> lines;
  bool changed() const { return nft_changes + host_changes > 0; }
};

/// What the daemon needs from the director.
class DirectorPort {
 public:
  virtual ~DirectorPort() = default;
  /// Brings the kernel to `after`; `before` is the config the last
  /// successful Apply brought it to (null: unknown), so that a change
  /// confined to a few services commits only theirs. `config_text` is
  /// remembered for status (shared and immutable: the same pointer as
  /// the last sync's is the same text).
  virtual Result<SyncResult> Apply(const Config* before, const Config& after,
                                   const netlink::SharedText& config_text) = 0;
  /// Apply when the caller knows what changed: `before` holds the services
  /// that may differ, as the last successful Apply had them; every other
  /// service of `after` and the director settings are as it had them. The
  /// cost is the change's, not the config's. This default syncs everything.
  virtual Result<SyncResult> ApplyServices(
      const std::vector<Service>& before, const Config& after,
      const netlink::SharedText& config_text) {
    (void)before;
    return Apply(nullptr, after, config_text);
  }
  /// Writes what the syncs left for later (the director's state file when
  /// a reload changed the config text), off the reply path: the loop calls
  /// it once the reply is sent.
  virtual Status Persist() { return Status(); }
  /// True when an address or link change left the host objects of `cfg`
  /// (the config last synced) as the last sync made them and the ruleset
  /// was not committed since; then no sync is needed. This default says
  /// false: a full sync decides.
  virtual Result<bool> HostInSync(const Config& cfg) {
    (void)cfg;
    return false;
  }
  /// Host checks of a valid config (FULLNAT local addresses present):
  /// false with located errors in `diags` when the config cannot be run.
  virtual Result<bool> CheckHost(const Config& cfg, Diagnostics& diags) = 0;
  /// The ruleset generation id (cheap: one netlink round trip).
  virtual Result<uint32_t> GenId() = 0;
};

/// DirectorPort over a resident netlink::Director (which keeps state and
/// snapshot in memory between syncs and takes the per-namespace lock
/// around each apply, so `lvsnft apply` and the daemon never write at the
/// same time), driven by a netlink::ServiceSync (incremental where it
/// can). `director`, `nft` and `net` must outlive the port. (The metrics'
/// status is read elsewhere, with handles of its own: cmd_daemon.cc.)
/// The director's state saves are deferred to Persist.
std::unique_ptr<DirectorPort> MakeDirectorPort(netlink::Director* director,
                                               netlink::NftKernel* nft,
                                               netlink::HostNet* net);

}  // namespace lvsnft::daemon
