#include "netlink/sysctl.h"

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

Status CheckSysctlPath(std::string_view path) {
  if (path.empty() || path.front() == '/') {
    return Status::Error("invalid sysctl path \"" + std::string(path) + "\"");
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return Status::Error("invalid sysctl path \"" + std::string(path) + "\"");
    }
    start = end + 1;
  }
  return Status();
}

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

std::string DisplayName(std::string_view path) {
  std::string out(path);
  for (char& c : out) {
    if (c == '/') {
      c = '.';
    } else if (c == '.') {
      c = '/';
    }
  }
  return out;
}

std::string Ipv4ConfPath(std::string_view dev, std::string_view name) {
  return "net/ipv4/conf/" + std::string(dev) + "/" + std::string(name);
}

}  // namespace lvsnft::netlink
