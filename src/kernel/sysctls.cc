#include "kernel/sysctls.h"

namespace lvsnft::netlink {

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
