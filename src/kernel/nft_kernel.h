// The nftables side of the kernel as lvsnft uses it: read lvsnft's tables,
// commit a set of changes atomically. A real implementation over netlink
// and an in-memory fake (unit tests) share this interface.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/status.h"
#include "netlink/nft_dump.h"
#include "netlink/reconcile.h"

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
  std::string fault;   ///< Test-only fault injection ("" = none).
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
  virtual Result<std::vector<LiveRule>> DumpChain(int family,
                                                  const std::string& table,
                                                  const std::string& chain) = 0;
};

/// The in-memory kernel: applies Changes to LiveTables the way nf_tables
/// would, with a generation id that moves on every commit.
class FakeNft : public NftKernel {
 public:
  Result<uint32_t> GenId() override { return genid_; }
  Result<std::string> Instance() override { return instance_; }
  Result<std::vector<LiveTable>> Dump(bool with_elements) override;
  Result<CommitResult> Commit(const CommitInput& in) override;
  Result<std::vector<LiveRule>> DumpChain(int family, const std::string& table,
                                          const std::string& chain) override;
  /// Number of full dumps served (the snapshot path avoids them).
  int dumps() const { return dumps_; }

  /// Simulates another writer: bumps the generation id.
  void ForeignWrite() { ++genid_; }
  /// Simulates a reboot or another network namespace whose generation id
  /// happens to equal the one lvsnft remembers.
  void SetInstance(std::string id) { instance_ = std::move(id); }
  /// The next `n` commits see a foreign write just before they are sent.
  void RaceNextCommits(int n) { races_ = n; }
  /// Tables as the fake holds them.
  std::vector<LiveTable>& tables() { return tables_; }
  /// Number of committed transactions.
  int commits() const { return commits_; }

 private:
  std::vector<LiveTable> tables_;
  uint32_t genid_ = 1;
  std::string instance_ = "fake";
  uint64_t next_handle_ = 1;
  int races_ = 0;
  int commits_ = 0;
  int dumps_ = 0;
};

/// The real kernel over NETLINK_NETFILTER, in the current network namespace.
Result<std::unique_ptr<NftKernel>> OpenNftKernel();

/// Encodes a set's elements exactly as the batch will send them (and so as
/// the kernel will list them), for comparison with live elements.
Result<std::vector<RawElement>> EncodeElements(const plan::Set& s);

/// Applies `delta` to `tables` as the kernel would (used by FakeNft, by the
/// offline diff, and to keep the post-commit snapshot). New objects get
/// handles from `next_handle`, or 0 (unknown) when it is 0. Errors name
/// the change.
Status ApplyToLive(const Delta& delta, const std::vector<DesiredTable>& desired,
                   std::vector<LiveTable>& tables, uint64_t& next_handle);

}  // namespace lvsnft::netlink
