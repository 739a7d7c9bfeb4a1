// benchtime: runs one command and prints "WALL_SECONDS PEAK_RSS_KIB STATUS"
// (the benchmarks' timer; what `/usr/bin/time -f %M` reports, without the
// extra processes of time(1) and timeout(1) inside the measured interval).
// With --cpu it appends "USER_SECONDS SYS_SECONDS" (CMD's CPU time from
// wait4, %U and %S of time(1)); the system time is where the kernel's work
// for CMD's syscalls, such as an nftables batch, is charged.
//
//   benchtime [--cpu] TIMEOUT_SECONDS CMD [ARG...]
//
// CMD's stdout goes to /dev/null, stderr is kept. The wall time runs from
// just before fork to the reaping of CMD. After TIMEOUT_SECONDS CMD is
// killed (SIGKILL) and STATUS is 124, like timeout(1); a signal death is
// 128 + signal. RSS is ru_maxrss of CMD from wait4 (KiB).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

/// Seconds on the monotonic clock.
double Now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

/// The child: stdout to /dev/null, then exec (127 when that fails).
[[noreturn]] void Child(char** argv) {
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) dup2(null, STDOUT_FILENO);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvp(argv[0], argv);
  std::perror(argv[0]);
  _exit(127);
}

/// Waits for `pid` (SIGCHLD is blocked by the caller) at most `limit`
/// seconds after `start`; kills it after that and reaps it.
int WaitBounded(pid_t pid, double start, double limit, rusage& ru,
                bool& timed_out) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int status = 0;
  timed_out = false;
  for (;;) {
    pid_t r = wait4(pid, &status, WNOHANG, &ru);
    if (r == pid) return status;
    if (r < 0) return -1;
    double left = limit - (Now() - start);
    if (left <= 0 && !timed_out) {
      kill(pid, SIGKILL);
      timed_out = true;
    }
    if (left <= 0) left = 1;
    timespec ts{static_cast<time_t>(left),
                static_cast<long>((left - static_cast<time_t>(left)) * 1e9)};
    sigtimedwait(&chld, nullptr, &ts);
  }
}

/// Seconds of a struct timeval.
double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  bool cpu = argc > 1 && std::strcmp(argv[1], "--cpu") == 0;
  if (cpu) --argc, ++argv;
  if (argc < 3 || std::atof(argv[1]) <= 0) {
    std::fprintf(stderr,
                 "usage: benchtime [--cpu] TIMEOUT_SECONDS CMD [ARG...]\n");
    return 2;
  }
  double limit = std::atof(argv[1]);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  double start = Now();
  pid_t pid = fork();
  if (pid < 0) return std::perror("fork"), 2;
  if (pid == 0) Child(argv + 2);
  rusage ru{};
  bool timed_out = false;
  int status = WaitBounded(pid, start, limit, ru, timed_out);
  double wall = Now() - start;
  int rc = timed_out             ? 124
           : status < 0          ? 125
           : WIFEXITED(status)   ? WEXITSTATUS(status)
           : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                 : 125;
  std::printf("%.6f %ld %d", wall, ru.ru_maxrss, rc);
  if (cpu) {
    std::printf(" %.6f %.6f", Seconds(ru.ru_utime), Seconds(ru.ru_stime));
  }
  std::printf("\n");
  return 0;
}
