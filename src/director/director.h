// The director: apply a plan (one atomic transaction plus host objects,
// with retries on concurrent writers and rollback on failure), compute
// what would change (diff), remove everything (destroy) and report what
// runs (status). One Director lives as long as its process; a resident
// process calls it again and again and it keeps the last applied plan,
// the state and the kernel snapshot in memory between calls.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "director/conn_view.h"
#include "director/director_host.h"
#include "director/director_state.h"
#include "director/reconcile.h"
#include "director/status.h"
#include "kernel/conntrack.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The kernel-facing dependencies of a Director, borrowed: the composition
/// root (src/cli) owns them and keeps them alive as long as the Director.
struct DirectorEnv {
  NftKernel* nft = nullptr;
  HostNet* net = nullptr;
  Sysctls* sys = nullptr;
  StateStore* store = nullptr;
  ElementEncoder encode;
  /// The per-namespace lock file (LockPath) apply and destroy hold while
  /// they run; "" = no lock (simulated kernels).
  std::string lock_path;
};

/// One line of a change report, attributed to a service ("" = director).
struct ReportLine {
  std::string service;
  char sign = '~';
  std::string what;
  bool host =
      false;  ///< A host object (address, sysctl, device), not nftables.
};

/// How many lines a report has, for a summary of one too long to list.
struct ReportCounts {
  size_t lines = 0;  ///< See CountReport for how exact.
  /// Lines of the director itself (service ""): nftables, host objects.
  size_t director_nft = 0, director_host = 0;
  size_t services = 0;  ///< Services with at least one line.
};

/// What was (or would be) changed.
struct DirectorReport {
  std::vector<ReportLine> lines;  ///< nftables and host changes.
  /// Set instead of `lines` when there were more than
  /// ApplyOptions::max_lines of them (then `lines` is empty).
  std::optional<ReportCounts> counts;
  /// Transactions sent: 1, plus one retry per concurrent writer seen
  /// (each attempt is the whole change; at most one commits).
  int attempts = 0;
  size_t nft_changes = 0;  ///< Number of nftables changes.
  /// Slot elements no rule reaches, left in place for a later apply to
  /// remove (see Delta::stale); not a pending change.
  size_t stale_slots = 0;
  size_t host_changes = 0;         ///< Number of host changes.
  size_t messages = 0, bytes = 0;  ///< Size of the last batch.
  bool committed = false;
  /// The ruleset generation the kernel is at afterwards (Apply,
  /// ApplyIncrement), as far as lvsnft's own commit tells.
  uint32_t genid = 0;
  bool in_sync() const { return nft_changes == 0 && host_changes == 0; }
};

/// Options of apply.
struct ApplyOptions {
  std::string config_text;  ///< Remembered for status / diff.
  bool dry_run = false;     ///< Kernel validates; nothing changes.
  int max_attempts = 5;     ///< Transactions tried on concurrent writers.
  /// Keep a copy of the plan for applied_plan() (a resident process);
  /// a one-shot command that exits after apply does not need it.
  bool keep_plan = true;
  /// Set config_text aside in the state store (StateStore::StageConfig)
  /// rather than hold it through the transaction (6.8 MB of a NAT 10k x 10
  /// apply's peak); the director then does not keep the state in memory
  /// either (the next operation loads it).
  bool stage_config = false;
  /// Report lines beyond which only per-service counts are kept
  /// (DirectorReport::counts, lines left empty); 0 = every line.
  size_t max_lines = 0;
};

/// The status of a director and whether a config was applied.
struct StatusResult {
  DirectorStatus status;
  /// The remembered config was invalid (then the kernel alone is shown):
  /// its diagnostics, else "".
  std::string config_warning;
  /// NAT/FULLNAT connections (when a ConnTrack was given) and DR/TUN flows.
  std::vector<ConnRow> connections;
  /// Why conntrack could not be read ("" when it was, or not asked).
  std::string conntrack_error;
};

/// A change confined to some services (see ApplyIncrement): the owned
/// parts (plan::OwnedPart) of their lowering before and after, both with
/// slot tables expanded, and the same shared part.
struct ServiceIncrement {
  std::set<std::string> services;
  const plan::Plan* before = nullptr;  ///< What the director holds now.
  const plan::Plan* after = nullptr;   ///< What it is to hold.
  /// Mark ranges [first, end) of the services' slot blocks: slot elements
  /// there belong to them (stale ones too).
  std::vector<std::pair<uint32_t, uint32_t>> slot_ranges;
  /// Remembered for status / diff. Shared and immutable: the same
  /// pointer as the last increment's means the same text, so the
  /// director does not compare megabytes of it on every change.
  std::shared_ptr<const std::string> config_text;
};

/// Gives the snapshot valid at (genid, instance), if there is one.
using SnapshotSource =
    std::function<std::optional<Snapshot>(uint32_t, const std::string&)>;

/// One director (one network namespace) over its kernel interfaces.
class Director {
 public:
  explicit Director(DirectorEnv env) : env_(std::move(env)) {}

  /// Brings the director to `p`. `o` is taken by value so that a caller
  /// done with it can move it in: its config text (as large as the config
  /// file) then moves into the saved state instead of being copied.
  Result<DirectorReport> Apply(const plan::Plan& p, ApplyOptions o);

  /// Commits only what `inc` changes, computed against the in-memory
  /// snapshot (no dump, no host objects: the shared part is unchanged), in
  /// one transaction carrying the snapshot's generation id, and patches
  /// the snapshot. Nullopt, with nothing changed, when there is no
  /// snapshot in memory or the kernel refused the transaction because
  /// another writer committed since: then the caller takes Apply.
  Result<std::optional<DirectorReport>> ApplyIncrement(
      const ServiceIncrement& inc);

  /// Readies the in-memory snapshot of `p` (just applied) for
  /// ApplyIncrement: sorts its slot maps by mark, which the first
  /// increment would otherwise do on its reply path (65 ms at NAT 10k x
  /// 10 with an element sort). For a resident caller, after a full sync.
  void PrepareIncrements(const plan::Plan& p);

  /// True when the host objects of `h` are as the last apply left them,
  /// the devices have the indexes it used and nothing was committed since
  /// lvsnft's last transaction: an address or link change then needs no
  /// sync. False (a full sync decides) when anything differs or nothing
  /// is remembered. Reads only.
  Result<bool> HostInSync(const plan::HostPlan& h);

  /// The snapshot of the kernel's lvsnft tables kept in memory, if any.
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }

  /// What Apply would change, without changing anything. The live tables
  /// come from the snapshot of lvsnft's last transaction when the ruleset
  /// generation id shows that nothing was committed since (any change by
  /// nft or another program moves it); `full_dump` reads every object from
  /// the kernel regardless.
  Result<DirectorReport> Diff(const plan::Plan& p, bool full_dump = false);

  /// Removes lvsnft's tables and the host objects it created; restores the
  /// sysctls it changed. Idempotent.
  Result<DirectorReport> Destroy();

  /// Live services and real servers with counters (always a full dump),
  /// labelled with the config last applied, after `adjust` (if given)
  /// changed it (the daemon's overrides). With `ct`, NAT/FULLNAT
  /// connections are read from conntrack (lvsnft's slot marks only) for
  /// ActiveConn / InActConn and the connection list.
  Result<StatusResult> Inspect(
      const std::function<void(Config&)>& adjust = nullptr,
      ConnTrack* ct = nullptr);

  /// The remembered state (the config last applied, host objects).
  Result<DirectorState> State();

  /// The plan this Director last applied (committed or found in sync),
  /// if any.
  const std::optional<plan::Plan>& applied_plan() const { return applied_; }
  /// Drops the applied plan from memory (a resident process that never
  /// asks for it; Inspect then lowers the remembered config itself).
  void ForgetPlan() { applied_.reset(); }

  /// With `on`, an increment that changes the remembered config text (a
  /// reload) keeps the new text in memory and leaves writing the state
  /// file to FlushState, so that the write and its fsync are not on the
  /// reply path of a resident process (the daemon). Only the text waits:
  /// an increment changes no host object, and a restart before the flush
  /// re-reads the config file and syncs from the kernel.
  void DeferStateSaves(bool on) { defer_saves_ = on; }
  /// Writes the state an increment changed while saves were deferred (no
  /// write when nothing waits).
  Status FlushState();
  /// True when a deferred state save waits for FlushState.
  bool state_unsaved() const { return state_ && unsaved_; }

 private:
  /// Where the kernel's ruleset is: generation id and ruleset instance.
  struct Snap {
    uint32_t genid = 0;
    std::string instance;
  };
  Result<Snap> Current();
  Result<DirectorState> LoadState(const Snap& now);
  Status SaveState(const DirectorState& s);
  std::optional<Snapshot> TakeSnapshot(const Snap& now);
  void KeepSnapshot(Snapshot s, bool write);
  SnapshotSource Snapshots();
  /// The state and the host objects' diff an operation starts from.
  struct Started {
    DirectorState state;
    HostDiff host;
  };
  Result<Started> Start(const plan::Plan& p);
  /// Keeps the state (and `p`, when given) true for the next call.
  void Remember(DirectorState st, const plan::Plan* p);
  /// Keeps the in-memory state true after an increment.
  Result<std::optional<DirectorReport>> NoteIncrement(
      const std::shared_ptr<const std::string>& config_text,
      const DirectorReport& r);

  DirectorEnv env_;
  /// The state as last loaded or saved, and the kernel generation it was
  /// true at: used instead of the file while the generation is unchanged.
  std::optional<DirectorState> state_;
  uint32_t state_genid_ = 0;
  std::string state_instance_;
  /// The text the last increment noted (state_->config_text equals it
  /// until state_ is replaced: Remember resets it).
  std::shared_ptr<const std::string> noted_text_;
  bool defer_saves_ = false;
  bool unsaved_ = false;  ///< state_ differs from the file (deferred save).
  /// The kernel's lvsnft tables at snapshot_->genid, used instead of the
  /// snapshot file (and of a dump) while the generation is unchanged.
  std::optional<Snapshot> snapshot_;
  /// Slot maps of snapshot_ already sorted by mark ("table/set"): sorted
  /// once after the snapshot is installed, kept sorted by increments.
  std::set<std::string> sorted_slots_;
  std::optional<plan::Plan> applied_;
  /// Interface indexes of the fwd devices at the last Apply.
  std::map<std::string, uint32_t> ifindex_;
};

/// Report lines for a delta (grouped by service, elements summarised per
/// real server).
std::vector<ReportLine> DeltaReport(const Delta& d);

/// How many lines DeltaReport(d) plus `host` would give, per kind, without
/// building them (no strings: cheap for a first apply of a large config).
/// Exact up to `limit` lines; past it, `lines` is only known to exceed
/// `limit` (the other counts stay exact).
ReportCounts CountReport(const Delta& d, const std::vector<HostChange>& host,
                         size_t limit);

/// The counts of report lines already built.
ReportCounts CountLines(const std::vector<ReportLine>& lines);

}  // namespace lvsnft::netlink
