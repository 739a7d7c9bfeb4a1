// The composition root of director commands: enters the network namespace,
// opens the real kernels (nftables socket, rtnetlink, procfs) and the state
// file, and builds the Director over them.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "director/director.h"
#include "kernel/rtnl/proc_sysctls.h"
#include "kernel/rtnl/rtnl.h"

namespace lvsnft::cli {

/// Options shared by apply, diff, status and destroy.
struct KernelOptions {
  std::string netns;  ///< --netns NAME ("" = current namespace).
  std::string state_dir = "/var/lib/lvsnft";
};

/// Adds --netns and --state-dir to a subcommand.
void AddKernelOptions(CLI::App* sub, KernelOptions& o);

/// Wrappers around the kernel interfaces OpenKernelEnv opens, each taking
/// the real one and returning what the Director uses instead. The
/// production binary sets none; the test binary (lvsnft-test, see
/// tests/support) injects faults and pauses through them.
struct KernelDecorators {
  std::function<std::unique_ptr<netlink::NftKernel>(
      std::unique_ptr<netlink::NftKernel>)>
      nft;
  std::function<std::unique_ptr<netlink::StateStore>(
      std::unique_ptr<netlink::StateStore>)>
      store;
};

/// The decorators OpenKernelEnv applies (none by default).
KernelDecorators& Decorators();

/// The real kernels, owned, and the Director built over them.
struct KernelEnv {
  std::unique_ptr<netlink::NftKernel> nft;
  std::unique_ptr<netlink::RtnlHost> net;
  netlink::ProcSysctls sys;
  std::unique_ptr<netlink::StateStore> store;
  std::unique_ptr<netlink::Director> director;
};

/// Enters the namespace, opens sockets and the state file, and builds the
/// Director (whose apply and destroy take the per-namespace lock).
Result<std::unique_ptr<KernelEnv>> OpenKernelEnv(const KernelOptions& o);

/// Prints "lvsnft: CMD: MESSAGE" to stderr and returns 1.
int Fail(const char* cmd, const std::string& message);

}  // namespace lvsnft::cli
