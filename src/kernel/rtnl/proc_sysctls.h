// Sysctls read and written through /proc/sys.
#pragma once

#include <string>

#include "base/status.h"
#include "kernel/sysctls.h"

namespace lvsnft::netlink {

/// Sysctls over /proc/sys (or another root, for tests).
class ProcSysctls : public Sysctls {
 public:
  /// `root` is the directory that stands for /proc/sys.
  explicit ProcSysctls(std::string root = "/proc/sys")
      : root_(std::move(root)) {}
  /// See Sysctls; under the root directory.
  Result<SysctlValue> Read(const std::string& path) override;
  /// See Sysctls; under the root directory.
  Status Write(const std::string& path, const std::string& value) override;

 private:
  std::string root_;
};

}  // namespace lvsnft::netlink
