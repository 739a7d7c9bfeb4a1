// Kernel parameters under /proc/sys behind an interface (real: procfs;
// fake: FakeHost in kernel/sim/sim_host.h).
//
// Paths are relative to /proc/sys with '/' separators, exactly as the
// kernel names the files ("net/ipv4/conf/eth0/arp_ignore"); an interface
// name may contain '.', which is why the dotted sysctl(8) form is only used
// for display (DisplayName).
//
// Network sysctls belong to a network namespace: /proc/sys/net resolves to
// the namespace of the process that opens the file, so after EnterNetns the
// same paths address the entered namespace (checked by the kernel tests).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace lvsnft::netlink {

/// Outcome of reading a sysctl that may not exist.
struct SysctlValue {
  bool exists = false;  ///< False when the file does not exist (ENOENT).
  std::string value;    ///< Content without the trailing newline.
};

/// Reads and writes kernel parameters.
class Sysctls {
 public:
  virtual ~Sysctls() = default;
  /// Reads `path`; a missing file is not an error (exists = false).
  virtual Result<SysctlValue> Read(const std::string& path) = 0;
  /// Writes `value` to `path`.
  virtual Status Write(const std::string& path, const std::string& value) = 0;
};

/// Checks a sysctl path: relative, no empty, "." or ".." components.
Status CheckSysctlPath(std::string_view path);

/// sysctl(8) spelling of a path: '/' -> '.', '.' -> '/'
/// ("net/ipv4/conf/eth0.10/rp_filter" -> "net.ipv4.conf.eth0/10.rp_filter").
std::string DisplayName(std::string_view path);

/// Path of a per-interface IPv4 parameter: net/ipv4/conf/DEV/NAME.
std::string Ipv4ConfPath(std::string_view dev, std::string_view name);

}  // namespace lvsnft::netlink
