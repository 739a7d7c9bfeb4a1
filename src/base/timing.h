// Phase timings for performance work: LVSNFT_TIMING=1 prints how long each
// phase of a command took to stderr ("timing: parse 41.2 ms").
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace lvsnft {

/// Measures one phase from construction to Done() (or destruction).
class PhaseTimer {
 public:
  /// `name` must outlive the timer (a string literal).
  explicit PhaseTimer(const char* name)
      : name_(name), start_(std::chrono::steady_clock::now()) {}
  ~PhaseTimer() { Done(); }
  /// Reports the phase (once) when timings are enabled.
  void Done() {
    if (done_) return;
    done_ = true;
    if (!Enabled()) return;
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start_)
                    .count();
    std::fprintf(stderr, "timing: %-12s %8.1f ms\n", name_, ms);
  }
  /// True when LVSNFT_TIMING is set.
  static bool Enabled() {
    static const bool on = std::getenv("LVSNFT_TIMING") != nullptr;
    return on;
  }

 private:
  const char* name_;
  std::chrono::steady_clock::time_point start_;
  bool done_ = false;
};

/// With LVSNFT_TIMING set, prints the process's resident memory after
/// `phase` and its peak so far ("memory: after load 120 MiB (peak 150
/// MiB)"), read from /proc/self/status.
inline void ReportMemory(const char* phase) {
  if (!PhaseTimer::Enabled()) return;
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  long kb = -1, peak_kb = -1;
  while (std::fgets(line, sizeof line, f)) {
    std::sscanf(line, "VmHWM: %ld kB", &peak_kb);
    if (std::sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  std::fprintf(stderr, "memory: %-16s %6ld MiB (peak %ld MiB)\n", phase,
               kb / 1024, peak_kb / 1024);
}

}  // namespace lvsnft
