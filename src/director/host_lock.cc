#include "director/host_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "director/director_state.h"

namespace lvsnft::netlink {

std::string LockPath(const std::string& dir, const std::string& netns_name) {
  return dir + "/director-" + CurrentNetnsId(netns_name) + ".lock";
}

Result<HostLock> HostLock::Take(const std::string& path) {
  if (path.empty()) return HostLock(-1);
  std::string dir = path.substr(0, path.rfind('/'));
  if (!dir.empty()) mkdir(dir.c_str(), 0755);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  for (int i = 0; i < 300; ++i) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return HostLock(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  close(fd);
  return Status::Error("another lvsnft holds " + path + " (waited 30 s)");
}

HostLock::~HostLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace lvsnft::netlink
