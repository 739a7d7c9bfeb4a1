#include "cli/kernel_env.h"

#include <cstdio>

#include "director/host_lock.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/rtnl/netns.h"

namespace lvsnft::cli {

void AddKernelOptions(CLI::App* sub, KernelOptions& o) {
  sub->add_option(
      "--netns", o.netns,
      "Work in network namespace NAME (as created by ip netns add)");
  sub->add_option("--state-dir", o.state_dir,
                  "Where lvsnft remembers what it created")
      ->capture_default_str();
}

int Fail(const char* cmd, const std::string& message) {
  std::fprintf(stderr, "lvsnft: %s: %s\n", cmd, message.c_str());
  return 1;
}

KernelDecorators& Decorators() {
  static KernelDecorators d;
  return d;
}

Result<std::unique_ptr<KernelEnv>> OpenKernelEnv(const KernelOptions& o) {
  if (!o.netns.empty()) {
    Status s = netlink::EnterNetns(o.netns);
    if (!s.ok()) return s;
  }
  auto k = std::make_unique<KernelEnv>();
  auto nft = netlink::OpenNftKernel();
  if (!nft.ok()) return nft.status();
  k->nft = std::move(*nft);
  auto net = netlink::RtnlHost::Open();
  if (!net.ok()) return net.status();
  k->net = std::move(*net);
  k->store = std::make_unique<netlink::FileStateStore>(
      netlink::StatePath(o.state_dir, o.netns));
  const KernelDecorators& d = Decorators();
  if (d.nft) k->nft = d.nft(std::move(k->nft));
  if (d.store) k->store = d.store(std::move(k->store));
  k->director = std::make_unique<netlink::Director>(netlink::DirectorEnv{
      k->nft.get(), k->net.get(), &k->sys, k->store.get(),
      netlink::EncodeElements, netlink::LockPath(o.state_dir, o.netns)});
  return k;
}

}  // namespace lvsnft::cli
