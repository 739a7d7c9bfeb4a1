#include "daemon/log.h"

#include <unistd.h>

namespace lvsnft::daemon {

void Log(LogPriority prio, const std::string& message) {
  std::string line =
      "<" + std::to_string(static_cast<int>(prio)) + ">" + message + "\n";
  // One write per line so lines from concurrent writers never interleave.
  ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  (void)n;
}

}  // namespace lvsnft::daemon
