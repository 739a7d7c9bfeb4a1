// lvsnft-test: the lvsnft command line built from the same libraries, plus
// global options that wrap the real kernels in the fault and pause
// decorators of faults.h. Used by the kernel, e2e and vm tiers; never
// installed.
#include <string>

#include "cli/commands.h"
#include "cli/kernel_env.h"
#include "faults.h"

namespace {

struct TestOptions {
  std::string fault;  ///< "batch" or "after-tunnels".
  std::string hold;   ///< Path HoldingNft waits on.
};

void AddTestOptions(CLI::App& app, TestOptions& t) {
  app.add_option("--test-fault", t.fault,
                 "Make apply fail: batch (the kernel rejects the "
                 "transaction) or after-tunnels (right after the ipip "
                 "devices were created)")
      ->check(CLI::IsMember({"batch", "after-tunnels"}));
  app.add_option("--test-hold", t.hold,
                 "Create PATH before the first commit and wait until it is "
                 "removed");
  using lvsnft::netlink::NftKernel;
  using lvsnft::netlink::StateStore;
  namespace ts = lvsnft::test_support;
  auto& d = lvsnft::cli::Decorators();
  d.nft = [&t](std::unique_ptr<NftKernel> k) {
    if (t.fault == "batch") k = ts::Wrap<ts::FaultyNft>(std::move(k));
    if (!t.hold.empty()) {
      k = ts::Wrap<ts::HoldingNft>(std::move(k), std::string(t.hold));
    }
    return k;
  };
  d.store = [&t](std::unique_ptr<StateStore> s) {
    if (t.fault != "after-tunnels") return s;
    return ts::Wrap<ts::FailFirstSaveStore>(std::move(s));
  };
}

}  // namespace

int main(int argc, char** argv) {
  static TestOptions options;
  return lvsnft::cli::RunCli(
      argc, argv, [](CLI::App& app) { AddTestOptions(app, options); });
}
