// Health-check engine benchmark: N distinct TCP or HTTP checks against
// listeners (held by a child process, so their kernel work is not ours)
// at one interval. Reports the checks done, this process's CPU time per
// 1,000 checks and the spread of the actual intervals between results.
// Exits 2 when a check failed.
//   health_bench [--targets N] [--interval-ms MS] [--seconds S]
//                [--type tcp|http] [--address IPV4 (default 127.0.0.1)]
//                [--serve-netns NS] [--check-netns NS]
//   health_bench --serve-only PORT [--address IPV4] [--type http]
// --serve-netns / --check-netns: the listeners / the checks live in these
// network namespaces (/run/netns/NS), as the daemon's checks run in the
// director's namespace. --serve-only: no checks; serve ADDRESS:PORT in
// the foreground until killed (the targets of a daemon benchmark).
#include <arpa/inet.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "health/engine.h"

namespace {

using namespace lvsnft;
using Steady = std::chrono::steady_clock;

struct Args {
  int targets = 1000;
  int interval_ms = 1000;
  int seconds = 10;
  bool http = false;
  std::string address = "127.0.0.1";
  std::string serve_netns, check_netns;
  int serve_only = 0;  ///< Port to serve in the foreground; 0: benchmark.
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    int n = std::atoi(v.c_str());
    if (k == "--targets") a.targets = n;
    if (k == "--interval-ms") a.interval_ms = n;
    if (k == "--seconds") a.seconds = n;
    if (k == "--type") a.http = v == "http";
    if (k == "--address") a.address = v;
    if (k == "--serve-netns") a.serve_netns = v;
    if (k == "--check-netns") a.check_netns = v;
    if (k == "--serve-only") a.serve_only = n;
  }
  return a;
}

/// Enters network namespace `ns` (/run/netns/NS); "" stays.
void EnterNetns(const std::string& ns) {
  if (ns.empty()) return;
  int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
    std::perror(("netns " + ns).c_str());
    std::exit(1);
  }
  close(fd);
}

/// Listens on `n` ports of `addr` (port 0: any free one; backlog 4096).
std::vector<uint16_t> Listen(const std::string& addr, int n, uint16_t port,
                             std::vector<int>* fds) {
  std::vector<uint16_t> ports;
  for (int i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) {
      std::fprintf(stderr, "--address: not an IPv4 address: %s\n",
                   addr.c_str());
      std::exit(1);
    }
    socklen_t len = sizeof(sa);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
        listen(fd, 4096) != 0) {
      std::perror("listen");
      std::exit(1);
    }
    getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    ports.push_back(ntohs(sa.sin_port));
    fds->push_back(fd);
  }
  return ports;
}

constexpr char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
constexpr uint64_t kListener = uint64_t{1} << 32;

void Watch(int ep, int fd, uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag | static_cast<uint32_t>(fd);
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/// One ready socket: a listener accepts (tcp: closes at once; http:
/// watches the connection), a connection answers its request and closes.
void OnReady(int ep, uint64_t tag, bool http) {
  int fd = static_cast<int>(tag & 0xffffffffu);
  if (!(tag & kListener)) {
    char buf[4096];
    if (read(fd, buf, sizeof(buf)) > 0)
      (void)!write(fd, kResponse, sizeof(kResponse) - 1);
    close(fd);
    return;
  }
  int c;
  while ((c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
         0) {
    if (http)
      Watch(ep, c, 0);
    else
      close(c);
  }
}

/// The child (or --serve-only): serves every listener until killed.
[[noreturn]] void Serve(const std::vector<int>& fds, bool http) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int fd : fds) Watch(ep, fd, kListener);
  epoll_event ready[256];
  for (;;) {
    int n = epoll_wait(ep, ready, 256, -1);
    for (int i = 0; i < n; i++) OnReady(ep, ready[i].data.u64, http);
  }
}

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double Pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

/// What the run saw, recorded from the engine's on_result hook.
struct Tally {
  bool measuring = false;
  uint64_t checks = 0, failures = 0;
  std::unordered_map<const health::Key*, Steady::time_point> last;
  std::vector<double> intervals_ms;
  std::map<std::string, uint64_t> reasons;  ///< Of the failures.
  void Record(const health::Key& k, const health::ProbeResult& r) {
    auto now = Steady::now();
    auto [it, fresh] = last.try_emplace(&k, now);
    if (!measuring) return void(it->second = now);
    checks++;
    if (!r.ok) {
      failures++;
      reasons[r.reason]++;
    }
    if (!fresh)
      intervals_ms.push_back(
          std::chrono::duration<double, std::milli>(now - it->second).count());
    it->second = now;
  }
};

/// Prints the report line and the failure reasons.
void Report(const Args& a, Tally& t, double cpu) {
  std::vector<double>& iv = t.intervals_ms;
  double per_s = t.checks / static_cast<double>(a.seconds);
  std::printf(
      "type=%s targets=%d interval_ms=%d seconds=%d checks=%llu "
      "failures=%llu "
      "checks_per_s=%.0f cpu_s=%.3f cpu_ms_per_1000_checks=%.2f "
      "interval_ms_p1=%.1f p50=%.1f p99=%.1f max=%.1f\n",
      a.http ? "http" : "tcp", a.targets, a.interval_ms, a.seconds,
      static_cast<unsigned long long>(t.checks),
      static_cast<unsigned long long>(t.failures), per_s, cpu,
      t.checks ? cpu * 1e6 / t.checks : 0.0, Pct(iv, 0.01), Pct(iv, 0.5),
      Pct(iv, 0.99), Pct(iv, 1.0));
  for (const auto& [reason, n] : t.reasons)
    std::printf("failed: %llu %s\n", static_cast<unsigned long long>(n),
                reason.c_str());
}

/// Checks every port, warms up one interval (the start spread), then
/// measures for the run's seconds. False when a check cannot be added.
bool Measure(const Args& a, const std::vector<uint16_t>& ports, Tally& t) {
  event_base* base = event_base_new();
  health::EngineOptions o;
  o.on_result = [&](const health::Key& k, const health::ProbeResult& r) {
    t.Record(k, r);
  };
  auto engine = std::make_unique<health::Engine>(base, nullptr, o);
  IpAddr target = *IpAddr::Parse(a.address);
  for (uint16_t port : ports) {
    health::CheckSpec s;
    s.type = a.http ? health::CheckType::kHttp : health::CheckType::kTcp;
    s.address = target;
    s.port = port;
    s.interval = health::Millis(a.interval_ms);
    s.timeout = health::Millis(std::min(a.interval_ms, 1000));
    if (Status st = engine->Add(s); !st.ok()) {
      std::fprintf(stderr, "add: %s\n", st.message().c_str());
      return false;
    }
  }
  timeval warm{a.interval_ms / 1000, (a.interval_ms % 1000) * 1000};
  event_base_loopexit(base, &warm);
  event_base_dispatch(base);
  t.measuring = true;
  double cpu0 = CpuSeconds();
  timeval run{a.seconds, 0};
  event_base_loopexit(base, &run);
  event_base_dispatch(base);
  Report(a, t, CpuSeconds() - cpu0);
  engine.reset();
  event_base_free(base);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);  // As the daemon does (see health::Engine).
  rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  std::vector<int> fds;
  if (a.serve_only) {
    EnterNetns(a.serve_netns);
    Listen(a.address, 1, static_cast<uint16_t>(a.serve_only), &fds);
    Serve(fds, a.http);
  }
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  EnterNetns(a.serve_netns);
  std::vector<uint16_t> ports = Listen(a.address, a.targets, 0, &fds);
  pid_t holder = fork();
  if (holder == 0) Serve(fds, a.http);
  for (int fd : fds) close(fd);
  if (!a.serve_netns.empty() && setns(home, CLONE_NEWNET) != 0) {
    std::perror("setns back");
    return 1;
  }
  close(home);
  EnterNetns(a.check_netns);
  Tally tally;
  bool ok = Measure(a, ports, tally);
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  if (!ok) return 1;
  return tally.failures == 0 ? 0 : 2;
}
