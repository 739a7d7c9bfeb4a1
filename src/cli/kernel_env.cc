#include "cli/kernel_env.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

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

KernelEnv::~KernelEnv() {
  if (lock_fd >= 0) close(lock_fd);
}

int Fail(const char* cmd, const std::string& message) {
  std::fprintf(stderr, "lvsnft: %s: %s\n", cmd, message.c_str());
  return 1;
}

namespace {

// One lvsnft at a time per namespace: waits up to 30 s for the lock.
Result<int> TakeLock(const std::string& dir, const std::string& id) {
  mkdir(dir.c_str(), 0755);
  std::string path = dir + "/director-" + id + ".lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  for (int i = 0; i < 300; ++i) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  close(fd);
  return Status::Error("another lvsnft holds " + path + " (waited 30 s)");
}

}  // namespace

Result<std::unique_ptr<KernelEnv>> OpenKernelEnv(const KernelOptions& o,
                                                 bool lock) {
  if (!o.netns.empty()) {
    Status s = netlink::EnterNetns(o.netns);
    if (!s.ok()) return s;
  }
  auto k = std::make_unique<KernelEnv>();
  std::string id = netlink::CurrentNetnsId(o.netns);
  if (lock) {
    auto fd = TakeLock(o.state_dir, id);
    if (!fd.ok()) return fd.status();
    k->lock_fd = *fd;
  }
  auto nft = netlink::OpenNftKernel();
  if (!nft.ok()) return nft.status();
  k->nft = std::move(*nft);
  auto net = netlink::RtnlHost::Open();
  if (!net.ok()) return net.status();
  k->net = std::move(*net);
  k->store = std::make_unique<netlink::FileStateStore>(
      o.state_dir + "/director-" + id + ".json");
  k->env = {k->nft.get(), k->net.get(), &k->sys, k->store.get(),
            netlink::EncodeElements};
  return k;
}

}  // namespace lvsnft::cli
