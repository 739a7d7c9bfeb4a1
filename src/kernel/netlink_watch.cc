#include "kernel/netlink_watch.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsnft::netlink {

Result<std::unique_ptr<NetlinkWatch>> NetlinkWatch::Open(
    int protocol, const std::vector<unsigned>& groups) {
  int fd =
      socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0)
    return Status::Error(std::string("netlink socket: ") + strerror(errno));
  std::unique_ptr<NetlinkWatch> w(new NetlinkWatch(fd));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    return Status::Error(std::string("netlink bind: ") + strerror(errno));
  for (unsigned g : groups) {
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) != 0)
      return Status::Error("netlink group " + std::to_string(g) + ": " +
                           strerror(errno));
  }
  return w;
}

NetlinkWatch::~NetlinkWatch() { close(fd_); }

size_t NetlinkWatch::Drain() {
  char buf[16384];
  size_t n = 0;
  for (;;) {
    ssize_t r = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (r > 0 || (r < 0 && errno == ENOBUFS)) {
      ++n;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    return n;  // EAGAIN: nothing more pending.
  }
}

}  // namespace lvsnft::netlink
