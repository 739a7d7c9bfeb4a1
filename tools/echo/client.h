// lvsnft_echo client: short TCP connections / UDP datagrams, one reply
// line each; run N of them, P in parallel, or continuously for a while.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net.h"

namespace echo {

/// Everything `lvsnft_echo client` was asked to do.
struct ClientOptions {
  bool udp = false;              ///< datagrams instead of TCP connections
  Endpoint target;               ///< VIP:PORT
  int count = 1;                 ///< connections/datagrams (count mode)
  int parallel = 1;              ///< concurrent workers
  int src_lo = 0, src_hi = 0;    ///< source port range (0: kernel picks)
  std::optional<Endpoint> bind;  ///< source address
  int timeout_ms = 2000;         ///< per connect / per reply
  int hold_ms = 0;               ///< keep each connection open this long
  double stream_s = 0;           ///< stream mode duration (0: count mode)
  int interval_ms = -1;    ///< pause between transactions (-1: mode default)
  int long_n = 0;          ///< long mode: connections kept open
  double duration_s = 10;  ///< long mode duration
};

/// The result of one connection or datagram exchange.
struct Outcome {
  std::string error;      ///< "" when ok, else errno name / "EOF" / "BADREPLY"
  std::string rs;         ///< rs= field of the reply
  std::string seen;       ///< client IP the real server saw
  std::string local;      ///< local=IP:PORT the real server answered on
  double t_ms = 0;        ///< start time relative to the run's start
  double latency_ms = 0;  ///< from connect() to the reply line
};

/// Set by SIGINT/SIGTERM: stream and long modes stop and report.
inline std::atomic<bool> g_stop{false};

/// Installs the stop handler (no SA_RESTART, so poll() returns EINTR).
inline void InstallStopHandler() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop = true; };
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

/// Fills rs/seen/local from "rs=NAME client=IP:PORT local=IP:PORT".
inline bool ParseReply(const std::string& line, Outcome& out) {
  for (const auto& field : Split(line, ' ')) {
    size_t eq = field.find('=');
    if (eq == std::string::npos) continue;
    std::string key = field.substr(0, eq), val = field.substr(eq + 1);
    if (key == "rs") out.rs = val;
    if (key == "local") out.local = val;
    if (key == "client") {
      std::string ip = val.substr(0, val.rfind(':'));
      if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
      out.seen = ip;
    }
  }
  return !out.rs.empty();
}

/// A socket bound to --bind and the index-th port of --source-ports.
inline int ClientSocket(const ClientOptions& o, int type, long index) {
  int fd = socket(o.target.family(), type | SOCK_CLOEXEC, 0);
  if (fd < 0 || (!o.bind && o.src_lo == 0)) return fd;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  Endpoint src;
  if (o.bind) {
    src = *o.bind;
  } else {
    src.ss.ss_family = o.target.family();
    src.len = o.target.len;
  }
  if (o.src_lo) SetPort(src, o.src_lo + index % (o.src_hi - o.src_lo + 1));
  if (bind(fd, src.sa(), src.len) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

/// Reads up to and including '\n'. Returns "" on success, else the error.
inline std::string ReadLine(int fd, double deadline, std::string& line) {
  char c;
  while (line.empty() || line.back() != '\n') {
    int w = WaitFd(fd, POLLIN, deadline);
    if (w == 0) return "ETIMEDOUT";
    ssize_t n = w < 0 ? -1 : recv(fd, &c, 1, 0);
    if (n == 0) return "EOF";
    if (n < 0) return ErrnoName(errno);
    line.push_back(c);
  }
  return "";
}

/// connect() with a timeout on a blocking socket. "" or the error.
inline std::string ConnectTimeout(int fd, const Endpoint& to, double deadline) {
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  if (connect(fd, to.sa(), to.len) != 0 && errno != EINPROGRESS) {
    return ErrnoName(errno);
  }
  int w = WaitFd(fd, POLLOUT, deadline);
  if (w == 0) return "ETIMEDOUT";
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  fcntl(fd, F_SETFL, fl);
  return err ? ErrnoName(err) : "";
}

/// After the greeting: keep the connection --hold-ms, then ask once more
/// (needs `serve --hold`) to prove the flow still reaches its server.
inline std::string HoldAndPing(const ClientOptions& o, int fd) {
  int w = WaitFd(fd, POLLIN, NowMs() + o.hold_ms);
  if (w != 0) {  // anything arriving during the hold is an error or EOF
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 ? "EOF" : n < 0 ? ErrnoName(errno) : "BADREPLY";
  }
  if (send(fd, "ping\n", 5, MSG_NOSIGNAL) != 5) return ErrnoName(errno);
  std::string line;
  return ReadLine(fd, NowMs() + o.timeout_ms, line);
}

/// One short TCP connection: connect, read the reply line, close.
inline Outcome TcpOnce(const ClientOptions& o, long index) {
  Outcome out;
  double start = NowMs();
  int fd = ClientSocket(o, SOCK_STREAM, index);
  if (fd < 0) {
    out.error = ErrnoName(errno);
    return out;
  }
  std::string line;
  out.error = ConnectTimeout(fd, o.target, start + o.timeout_ms);
  if (out.error.empty()) out.error = ReadLine(fd, NowMs() + o.timeout_ms, line);
  out.latency_ms = NowMs() - start;
  if (out.error.empty() && !ParseReply(line, out)) out.error = "BADREPLY";
  if (out.error.empty() && o.hold_ms > 0) out.error = HoldAndPing(o, fd);
  close(fd);
  return out;
}

/// One UDP exchange: a datagram out, the reply line back.
inline Outcome UdpOnce(const ClientOptions& o, long index) {
  Outcome out;
  double start = NowMs();
  int fd = ClientSocket(o, SOCK_DGRAM, index);
  if (fd < 0 || connect(fd, o.target.sa(), o.target.len) != 0 ||
      send(fd, "hello\n", 6, 0) != 6) {
    out.error = ErrnoName(errno);
    if (fd >= 0) close(fd);
    return out;
  }
  char buf[512];
  int w = WaitFd(fd, POLLIN, start + o.timeout_ms);
  ssize_t n = w > 0 ? recv(fd, buf, sizeof buf - 1, 0) : -1;
  out.latency_ms = NowMs() - start;
  if (w == 0)
    out.error = "ETIMEDOUT";
  else if (n < 0)
    out.error = ErrnoName(errno);
  else if (!ParseReply(std::string(buf, n), out))
    out.error = "BADREPLY";
  close(fd);
  return out;
}

/// Runs transactions on --parallel workers. Count mode: exactly --count.
/// Stream mode: until --stream seconds pass (or SIGINT/SIGTERM).
inline std::vector<Outcome> RunShort(const ClientOptions& o) {
  std::atomic<long> next{0};
  std::mutex mu;
  std::vector<Outcome> all;
  double t0 = NowMs(), end = t0 + o.stream_s * 1000;
  int pause = o.interval_ms >= 0 ? o.interval_ms : o.stream_s > 0 ? 10 : 0;
  auto worker = [&] {
    std::vector<Outcome> mine;
    for (;;) {
      long i = next++;
      if (o.stream_s > 0 ? (NowMs() >= end || g_stop) : i >= o.count) break;
      double ts = NowMs() - t0;
      mine.push_back(o.udp ? UdpOnce(o, i) : TcpOnce(o, i));
      mine.back().t_ms = ts;
      if (pause > 0) usleep(pause * 1000);
    }
    std::lock_guard<std::mutex> lock(mu);
    all.insert(all.end(), mine.begin(), mine.end());
  };
  std::vector<std::thread> threads;
  for (int p = 0; p < o.parallel; ++p) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return all;
}

}  // namespace echo
