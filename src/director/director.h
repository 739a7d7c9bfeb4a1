// Director operations: apply a plan (one atomic transaction plus host
// objects, with retries on concurrent writers and rollback on failure),
// compute what would change (diff), and remove everything (destroy).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "director/director_host.h"
#include "director/director_state.h"
#include "director/reconcile.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The kernel-facing dependencies of a director operation.
struct DirectorEnv {
  NftKernel* nft = nullptr;
  HostNet* net = nullptr;
  Sysctls* sys = nullptr;
  StateStore* store = nullptr;
  ElementEncoder encode;
};

/// One line of a change report, attributed to a service ("" = director).
struct ReportLine {
  std::string service;
  char sign = '~';
  std::string what;
  bool host =
      false;  ///< A host object (address, sysctl, device), not nftables.
};

/// What was (or would be) changed.
struct DirectorReport {
  std::vector<ReportLine> lines;  ///< nftables and host changes.
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
  bool in_sync() const { return nft_changes == 0 && host_changes == 0; }
};

/// Options of apply.
struct ApplyOptions {
  std::string config_text;  ///< Remembered for status / diff.
  bool dry_run = false;     ///< Kernel validates; nothing changes.
  std::string fault;        ///< Test-only: "batch" or "after-tunnels".
  int max_attempts = 5;     ///< Transactions tried on concurrent writers.
};

/// Brings the director to `p`.
Result<DirectorReport> ApplyDirector(const plan::Plan& p, const ApplyOptions& o,
                                     DirectorEnv& env);

/// What ApplyDirector would change, without changing anything. The live
/// tables come from the snapshot of lvsnft's last transaction when the
/// ruleset generation id shows that nothing was committed since (any
/// change by nft or another program moves it); `full_dump` reads every
/// object from the kernel regardless.
Result<DirectorReport> DiffDirector(const plan::Plan& p, DirectorEnv& env,
                                    bool full_dump = false);

/// Removes lvsnft's tables and the host objects it created; restores the
/// sysctls it changed. Idempotent.
Result<DirectorReport> DestroyDirector(DirectorEnv& env);

/// Report lines for a delta (grouped by service, elements summarised per
/// real server).
std::vector<ReportLine> DeltaReport(const Delta& d);

}  // namespace lvsnft::netlink
