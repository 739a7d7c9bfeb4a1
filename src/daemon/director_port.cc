#include "daemon/director_port.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsnft::daemon {
namespace {

// Holds the per-namespace flock for one apply.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {}
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }
  Status Take(const std::string& path) {
    if (fd_ < 0 || flock(fd_, LOCK_EX) != 0)
      return Status::Error("cannot lock " + path + ": " + std::strerror(errno));
    return Status();
  }

 private:
  int fd_;
};

class FreeFunctionPort : public DirectorPort {
 public:
  FreeFunctionPort(netlink::DirectorEnv env, std::string lock_path)
      : env_(std::move(env)), lock_path_(std::move(lock_path)) {}

  Result<SyncResult> Apply(const plan::Plan& p,
                           const std::string& config_text) override {
    FileLock lock(lock_path_);
    Status s = lock.Take(lock_path_);
    if (!s.ok()) return s;
    netlink::ApplyOptions o;
    o.config_text = config_text;
    auto r = netlink::ApplyDirector(p, o, env_);
    if (!r.ok()) return r.status();
    SyncResult out;
    out.nft_changes = r->nft_changes;
    out.host_changes = r->host_changes;
    out.transactions = r->attempts;
    for (const auto& l : r->lines)
      out.lines.push_back({l.service, std::string(1, l.sign) + " " + l.what});
    auto g = env_.nft->GenId();
    if (g.ok()) out.genid = *g;
    return out;
  }

  Result<bool> CheckHost(const Config& cfg, Diagnostics& diags) override {
    return netlink::CheckLocalAddresses(cfg, *env_.net, diags);
  }

  Result<uint32_t> GenId() override { return env_.nft->GenId(); }

 private:
  netlink::DirectorEnv env_;
  std::string lock_path_;
};

}  // namespace

std::unique_ptr<DirectorPort> MakeDirectorPort(netlink::DirectorEnv env,
                                               std::string lock_path) {
  return std::make_unique<FreeFunctionPort>(std::move(env),
                                            std::move(lock_path));
}

}  // namespace lvsnft::daemon
