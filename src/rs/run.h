// `lvsnft rs-setup` without the command line: set up, check or undo a real
// server against a HostNet/Sysctls pair and a state store. --dry-run is
// the same run against a FakeHost copy of the real host and a memory store.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "config/config.h"
#include "kernel/host_net.h"
#include "kernel/sysctls.h"
#include "rs/desired.h"
#include "rs/diff.h"
#include "rs/state.h"

namespace lvsnft::rs {

/// What the run does.
enum class Action {
  kSetup,  ///< Bring the host to the desired state.
  kCheck,  ///< Compare only: exit 0 in sync, 2 drift.
  kUndo,   ///< Restore what the state file records.
};

/// What a run found and did, for structured output; the same facts as
/// its text lines.
struct RunRecord {
  std::vector<Role> roles;  ///< Services this host is a real server of.
  std::vector<std::string> notes, warnings;
  std::vector<Change> changes;  ///< Made (dry run: would be made), in order.
  std::vector<Change> drift;    ///< --check: the differences found.
  std::string summary;          ///< The run's last text line.
  std::string error;            ///< Why the run failed; "" on success.
};

/// Options of one run.
struct RunOptions {
  Action action = Action::kSetup;
  bool dry_run = false;            ///< Only changes the wording of the output.
  std::vector<IpAddr> self;        ///< --self; empty: match host addresses.
  std::optional<IpAddr> director;  ///< --director (NAT route check).
  RunRecord* record = nullptr;     ///< Filled in when not null.
};

/// Exit code: success / in sync.
inline constexpr int kExitOk = 0;
/// Exit code: error (nothing left half-changed).
inline constexpr int kExitError = 1;
/// Exit code of --check: the host differs from the desired state.
inline constexpr int kExitDrift = 2;

/// Runs rs-setup. `cfg` may be null for kUndo. Progress and results go to
/// `out`; warnings and errors ("lvsnft: rs-setup: ...") to `err`. Returns
/// the exit code. Any failure while changing the host undoes the changes
/// made in this run and restores the saved state.
int Run(const Config* cfg, netlink::HostNet& net, netlink::Sysctls& sys,
        StateStore& store, const RunOptions& opt, std::ostream& out,
        std::ostream& err);

}  // namespace lvsnft::rs
