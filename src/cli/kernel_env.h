// Opening the kernel-facing dependencies of director commands: network
// namespace, nftables socket, rtnetlink, procfs, state file and lock.
#pragma once

#include <CLI/CLI.hpp>
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

/// Everything a director operation needs, owned.
struct KernelEnv {
  std::unique_ptr<netlink::NftKernel> nft;
  std::unique_ptr<netlink::RtnlHost> net;
  netlink::ProcSysctls sys;
  std::unique_ptr<netlink::FileStateStore> store;
  netlink::DirectorEnv env;
  int lock_fd = -1;
  ~KernelEnv();
};

/// Enters the namespace, opens sockets and the state file; with `lock`,
/// takes the per-namespace lock that serialises lvsnft processes.
Result<std::unique_ptr<KernelEnv>> OpenKernelEnv(const KernelOptions& o,
                                                 bool lock);

/// Prints "lvsnft: CMD: MESSAGE" to stderr and returns 1.
int Fail(const char* cmd, const std::string& message);

}  // namespace lvsnft::cli
