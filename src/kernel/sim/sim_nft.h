// The in-memory nf_tables used by unit tests and the offline diff.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The in-memory kernel: applies Changes to LiveTables the way nf_tables
/// would, with a generation id that moves on every commit.
class FakeNft : public NftKernel {
 public:
  Result<uint32_t> GenId() override { return genid_; }
  Result<std::string> Instance() override { return instance_; }
  Result<std::vector<LiveTable>> Dump(bool with_elements) override;
  Result<CommitResult> Commit(const CommitInput& in) override;
  Result<std::vector<LiveRule>> DumpChain(plan::TableFamily family,
                                          const std::string& table,
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

/// Applies `delta` to `tables` as the kernel would (used by FakeNft, by the
/// offline diff, and to keep the post-commit snapshot). New objects get
/// handles from `next_handle`, or 0 (unknown) when it is 0. Errors name
/// the change.
Status ApplyToLive(const Delta& delta, const std::vector<DesiredTable>& desired,
                   std::vector<LiveTable>& tables, uint64_t& next_handle);

}  // namespace lvsnft::netlink
