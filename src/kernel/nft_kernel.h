// The nftables side of the kernel as lvsnft uses it: read lvsnft's tables,
// commit a set of changes atomically. A real implementation over netlink
// and an in-memory fake (unit tests) share this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/delta.h"
#include "kernel/live.h"

namespace lvsnft::netlink {

/// Outcome of one transaction attempt.
struct CommitResult {
  bool committed = false;  ///< The kernel applied the batch.
  bool restart = false;    ///< Ruleset changed since `genid`: nothing applied.
  std::vector<std::string> errors;  ///< Each naming the object that failed.
  size_t messages = 0;              ///< Messages in the batch.
  size_t bytes = 0;                 ///< Batch size.
};

/// What a transaction needs besides the changes.
struct CommitInput {
  const Delta* delta = nullptr;
  const std::vector<DesiredTable>* desired = nullptr;
  std::map<std::string, uint32_t> ifindex;  ///< fwd devices.
  uint32_t genid = 0;  ///< Expected ruleset generation (NFNL_BATCH_GENID).
  bool commit = true;  ///< false: the kernel validates, applies nothing.
  /// Work the caller wants done while the kernel processes the batch (the
  /// kernel works inside one sendmsg): an implementation may run it on a
  /// second thread once it has stopped reading `delta` and `desired`, and
  /// joins it before Commit returns; one that does not simply never calls
  /// it. It runs whatever the outcome: the caller keeps its results only
  /// when the batch was committed.
  std::function<void()> while_sending;
};

/// lvsnft's view of nf_tables.
class NftKernel {
 public:
  virtual ~NftKernel() = default;
  /// Current ruleset generation id.
  virtual Result<uint32_t> GenId() = 0;
  /// Which ruleset the generation id counts in: it restarts with every boot
  /// and every network namespace, so a remembered id is only meaningful
  /// together with this (boot id and network namespace cookie).
  virtual Result<std::string> Instance() = 0;
  /// lvsnft's tables (inet lvsnft, netdev lvsnft) that exist.
  virtual Result<std::vector<LiveTable>> Dump(bool with_elements) = 0;
  /// Sends the changes as one transaction.
  virtual Result<CommitResult> Commit(const CommitInput& in) = 0;
  /// The rules (with handles and tags) of one chain of an lvsnft table.
  virtual Result<std::vector<LiveRule>> DumpChain(plan::TableFamily family,
                                                  const std::string& table,
                                                  const std::string& chain) = 0;
};

}  // namespace lvsnft::netlink
