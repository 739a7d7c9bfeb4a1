// Test-only decorators around the kernel interfaces: they make a real or
// simulated kernel fail or pause the way the kernel and e2e tests need,
// without any test hook in the production code. Linked into unit_tests
// and into the test binary lvsnft-test, never into lvsnft.
#pragma once

#include <memory>
#include <string>

#include "director/director_state.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::test_support {

/// Forwards every call to the wrapped kernel.
class ForwardingNft : public netlink::NftKernel {
 public:
  explicit ForwardingNft(netlink::NftKernel* inner) : inner_(inner) {}
  Result<uint32_t> GenId() override { return inner_->GenId(); }
  Result<std::string> Instance() override { return inner_->Instance(); }
  Result<std::vector<netlink::LiveTable>> Dump(bool with_elements) override {
    return inner_->Dump(with_elements);
  }
  Result<netlink::CommitResult> Commit(
      const netlink::CommitInput& in) override {
    return inner_->Commit(in);
  }
  Result<std::vector<netlink::LiveRule>> DumpChain(
      plan::TableFamily family, const std::string& table,
      const std::string& chain) override {
    return inner_->DumpChain(family, table, chain);
  }

 protected:
  netlink::NftKernel* inner_;
};

/// Every non-empty transaction gets one more change at its end that the
/// kernel rejects (deleting a chain that does not exist: ENOENT), after
/// all the valid ones, so the kernel must abort the whole transaction.
class FaultyNft : public ForwardingNft {
 public:
  using ForwardingNft::ForwardingNft;
  Result<netlink::CommitResult> Commit(const netlink::CommitInput& in) override;
};

/// The first commit creates the file `path` and waits (up to 60 s) until
/// the test removes it, so the test can change the ruleset between
/// lvsnft's read and its commit.
class HoldingNft : public ForwardingNft {
 public:
  HoldingNft(netlink::NftKernel* inner, std::string path)
      : ForwardingNft(inner), path_(std::move(path)) {}
  Result<netlink::CommitResult> Commit(const netlink::CommitInput& in) override;

 private:
  std::string path_;
  bool held_ = false;
};

/// The first Save is written and then reported as failed ("injected
/// fault: after-tunnels"): in apply that is the save right after the
/// tunnels were created, so apply must roll them back.
class FailFirstSaveStore : public netlink::StateStore {
 public:
  explicit FailFirstSaveStore(netlink::StateStore* inner) : inner_(inner) {}
  Result<netlink::DirectorState> Load() override { return inner_->Load(); }
  Status Save(const netlink::DirectorState& s) override;
  Status StageConfig(const std::string* text) override {
    return inner_->StageConfig(text);
  }
  std::optional<netlink::Snapshot> LoadSnapshot() override {
    return inner_->LoadSnapshot();
  }
  Status SaveSnapshot(const netlink::Snapshot* s) override {
    return inner_->SaveSnapshot(s);
  }

 private:
  netlink::StateStore* inner_;
  bool failed_ = false;
};

/// Owns the wrapped interface together with its decorator.
template <typename Decorator, typename Interface, typename... Args>
std::unique_ptr<Interface> Wrap(std::unique_ptr<Interface> inner,
                                Args&&... args) {
  struct Owning : Decorator {
    Owning(std::unique_ptr<Interface> i, Args&&... a)
        : Decorator(i.get(), std::forward<Args>(a)...), held(std::move(i)) {}
    std::unique_ptr<Interface> held;
  };
  return std::make_unique<Owning>(std::move(inner),
                                  std::forward<Args>(args)...);
}

}  // namespace lvsnft::test_support
