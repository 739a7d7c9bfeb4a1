#include "kernel/rtnl/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsnft::netlink {

Status CheckNetnsName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return Status::Error("invalid network namespace name \"" +
                         std::string(name) + "\"");
  }
  return Status();
}

Status EnterNetns(std::string_view name) {
  Status s = CheckNetnsName(name);
  if (!s.ok()) return s;
  std::string path = "/run/netns/" + std::string(name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string why =
        e == ENOENT ? "no such namespace (" + path + ")" : std::strerror(e);
    return Status::Error("cannot enter network namespace " + std::string(name) +
                         ": " + why);
  }
  int rc = setns(fd, CLONE_NEWNET);
  int e = errno;
  close(fd);
  if (rc != 0) {
    return Status::Error("cannot enter network namespace " + std::string(name) +
                         ": " + std::strerror(e));
  }
  return Status();
}

}  // namespace lvsnft::netlink
