#include "kernel/rtnl/proc_sysctls.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsnft::netlink {
namespace {

std::string Errno(int e) { return std::strerror(e); }

// Closes a descriptor when leaving scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

Result<SysctlValue> ProcSysctls::Read(const std::string& path) {
  Status s = CheckSysctlPath(path);
  if (!s.ok()) return s;
  Fd f{open((root_ + "/" + path).c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return SysctlValue{};
    return Status::Error("cannot read " + DisplayName(path) + ": " +
                         Errno(errno));
  }
  std::string text;
  char buf[512];
  for (;;) {
    ssize_t n = read(f.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::Error("cannot read " + DisplayName(path) + ": " +
                           Errno(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return SysctlValue{true, text};
}

Status ProcSysctls::Write(const std::string& path, const std::string& value) {
  Status s = CheckSysctlPath(path);
  if (!s.ok()) return s;
  std::string what = "cannot set " + DisplayName(path) + " = " + value;
  Fd f{open((root_ + "/" + path).c_str(), O_WRONLY | O_CLOEXEC)};
  if (f.fd < 0) return Status::Error(what + ": " + Errno(errno));
  std::string line = value + "\n";
  ssize_t n;
  do {
    n = write(f.fd, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::Error(what + ": " + Errno(errno));
  if (static_cast<size_t>(n) != line.size()) {
    return Status::Error(what + ": short write");
  }
  return Status();
}

}  // namespace lvsnft::netlink
