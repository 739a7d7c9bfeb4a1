// loadgen: the benchmarks' bounded load generator and responder.
//
//   loadgen serve [--tcp ADDR:PORT,..] [--udp ADDR:PORT,..] [--pidfile F]
//   loadgen run (--tcp|--udp) ADDR:PORT [--duration S] [--concurrency C]
//               [--max N] [--timeout-ms T] [--iface DEV]
//
// run: keeps C short transactions in flight on one epoll loop, each on a
// new socket with a kernel-chosen (so distinct) source port. TCP: connect,
// send a one-line HTTP/1.0 request, read the reply until the server closes,
// close (the server closes first, so the client keeps no TIME_WAIT). UDP:
// one datagram out, one back. Stops after S seconds (default 3) or N
// transactions, whichever comes first, and prints one JSON line:
// transactions/s ("per_s"), and packets/s counted on --iface (default
// eth0, both directions) from its kernel counters.
// serve: answers every TCP connection with a minimal HTTP/1.0 response and
// closes it (so wrk -H "Connection: close" can drive it too), and echoes
// every UDP datagram. Sockets use IP_FREEBIND (a VIP that appears later).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr char kRequest[] = "GET / HTTP/1.0\r\n\r\n";
constexpr char kResponse[] =
    "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

/// Monotonic time in seconds.
double Now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

/// Parses "A.B.C.D:PORT"; false when malformed.
bool ParseAddr(const std::string& s, sockaddr_in& out) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  out = {};
  out.sin_family = AF_INET;
  int port = std::atoi(s.c_str() + colon + 1);
  out.sin_port = htons(static_cast<uint16_t>(port));
  return port > 0 && port < 65536 &&
         inet_pton(AF_INET, s.substr(0, colon).c_str(), &out.sin_addr) == 1;
}

/// Splits "a,b,c".
std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t c; (c = s.find(',', at)) != std::string::npos; at = c + 1) {
    out.push_back(s.substr(at, c - at));
  }
  out.push_back(s.substr(at));
  return out;
}

/// Lifts the open-files limit to the hard limit.
void RaiseFdLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/// Sum of rx and tx packets of `dev` (0 when unknown).
long Packets(const std::string& dev) {
  long sum = 0;
  for (const char* d : {"rx_packets", "tx_packets"}) {
    std::ifstream in("/sys/class/net/" + dev + "/statistics/" + d);
    long v = 0;
    if (in >> v) sum += v;
  }
  return sum;
}

// ---------------------------------------------------------------- serve

/// Binds a listening TCP or a UDP socket (non-blocking); -1 on error.
int Listen(const sockaddr_in& a, int type) {
  int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      (type == SOCK_STREAM && listen(fd, 4096) != 0)) {
    std::perror("loadgen serve: bind");
    close(fd);
    return -1;
  }
  return fd;
}

/// The responder's event loop state.
struct Responder {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::map<int, char> kind;  ///< fd -> 'l' listener, 'u' udp, 'c' connection

  /// Watches fd for input.
  void Watch(int fd, char k) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    kind[fd] = k;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  /// Accepts every pending connection.
  void Accept(int lfd) {
    for (int fd; (fd = accept4(lfd, nullptr, nullptr,
                               SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      Watch(fd, 'c');
    }
  }
  /// Request bytes arrived (or EOF): answer once and close.
  void Answer(int fd) {
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n > 0) send(fd, kResponse, sizeof kResponse - 1, MSG_NOSIGNAL);
    kind.erase(fd);
    close(fd);  // closes the epoll registration too
  }
  /// Echoes every pending datagram.
  void Echo(int fd) {
    char buf[2048];
    sockaddr_in peer{};
    for (;;) {
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(fd, buf, sizeof buf, 0,
                           reinterpret_cast<sockaddr*>(&peer), &len);
      if (n < 0) return;
      sendto(fd, buf, n, 0, reinterpret_cast<sockaddr*>(&peer), len);
    }
  }
  /// Serves forever.
  [[noreturn]] void Run() {
    epoll_event ev[128];
    for (;;) {
      int n = epoll_wait(ep, ev, 128, -1);
      for (int i = 0; i < n; ++i) {
        int fd = ev[i].data.fd;
        auto it = kind.find(fd);
        if (it == kind.end()) continue;
        if (it->second == 'l')
          Accept(fd);
        else if (it->second == 'u')
          Echo(fd);
        else
          Answer(fd);
      }
    }
  }
};

/// `loadgen serve ...`.
int Serve(const std::vector<std::string>& tcp,
          const std::vector<std::string>& udp, const std::string& pidfile) {
  RaiseFdLimit();
  Responder r;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& s : pass ? udp : tcp) {
      sockaddr_in a{};
      if (!ParseAddr(s, a))
        return std::fprintf(stderr, "bad %s\n", s.c_str()), 2;
      int fd = Listen(a, pass ? SOCK_DGRAM : SOCK_STREAM);
      if (fd < 0) return 2;
      r.Watch(fd, pass ? 'u' : 'l');
    }
  }
  if (!pidfile.empty()) {
    std::ofstream(pidfile) << getpid() << "\n";
  }
  r.Run();
}

// ------------------------------------------------------------------ run

/// What `loadgen run` was asked to do.
struct RunOptions {
  bool udp = false;            ///< datagrams instead of TCP connections
  sockaddr_in target{};        ///< VIP:PORT
  double duration = 3;         ///< seconds
  int concurrency = 32;        ///< transactions in flight
  long max = 0;                ///< stop after this many (0: no limit)
  int timeout_ms = 2000;       ///< per transaction
  std::string iface = "eth0";  ///< counted for packets/s
};

/// One transaction in flight.
struct Slot {
  int fd = -1;          ///< its socket
  bool sent = false;    ///< TCP: request written
  size_t got = 0;       ///< bytes of reply received
  double deadline = 0;  ///< give up then
};

/// The client's event loop.
class Runner {
 public:
  /// Keeps the options.
  explicit Runner(const RunOptions& o) : o_(o) {}

  /// Runs until the duration or the count is reached; prints the JSON.
  int Run() {
    RaiseFdLimit();
    slots_.resize(o_.concurrency);
    long pk0 = Packets(o_.iface);
    t0_ = Now();
    end_ = t0_ + o_.duration;
    for (int i = 0; i < o_.concurrency; ++i) Start(i);
    epoll_event ev[256];
    while (Now() < end_ && (o_.max == 0 || ok_ + failed_ < o_.max)) {
      int n = epoll_wait(ep_, ev, 256, 20);
      for (int k = 0; k < n; ++k) Event(ev[k].data.u32, ev[k].events);
      Expire();
    }
    double t = Now() - t0_;
    long pk = Packets(o_.iface) - pk0;
    Report(t, pk);
    return failed_ == 0 ? 0 : 1;
  }

 private:
  void Start(int i) {
    Slot& s = slots_[i];
    s = Slot{};
    if (o_.max && started_ >= o_.max) return;
    ++started_;
    s.deadline = Now() + o_.timeout_ms / 1000.0;
    s.fd = socket(
        AF_INET,
        (o_.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s.fd < 0) return Fail(i, errno);
    const auto* sa = reinterpret_cast<const sockaddr*>(&o_.target);
    if (connect(s.fd, sa, sizeof o_.target) != 0 && errno != EINPROGRESS) {
      return Fail(i, errno);
    }
    if (o_.udp && send(s.fd, kRequest, sizeof kRequest - 1, 0) < 0) {
      return Fail(i, errno);
    }
    epoll_event ev{};
    ev.events = o_.udp ? EPOLLIN : EPOLLOUT;
    ev.data.u32 = i;
    epoll_ctl(ep_, EPOLL_CTL_ADD, s.fd, &ev);
  }

  void Event(int i, uint32_t events) {
    Slot& s = slots_[i];
    if (s.fd < 0) return;
    if (!o_.udp && !s.sent) return Connected(i, events);
    char buf[512];
    for (;;) {
      ssize_t n = recv(s.fd, buf, sizeof buf, 0);
      if (n > 0) {
        s.got += n;
        if (o_.udp) return Done(i);
        continue;
      }
      if (n == 0) return s.got ? Done(i) : Fail(i, ECONNRESET);
      if (errno == EAGAIN) return;
      return Fail(i, errno);
    }
  }

  void Connected(int i, uint32_t events) {
    Slot& s = slots_[i];
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (events & EPOLLERR)) return Fail(i, err ? err : EIO);
    if (send(s.fd, kRequest, sizeof kRequest - 1, MSG_NOSIGNAL) < 0) {
      return Fail(i, errno);
    }
    s.sent = true;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = i;
    epoll_ctl(ep_, EPOLL_CTL_MOD, s.fd, &ev);
  }

  void Done(int i) {
    ++ok_;
    close(slots_[i].fd);
    Start(i);
  }

  void Fail(int i, int err) {
    ++failed_;
    ++errors_[err == ETIMEDOUT ? "ETIMEDOUT" : strerrorname_np(err)];
    if (slots_[i].fd >= 0) close(slots_[i].fd);
    slots_[i].fd = -1;
    if (Now() < end_) Start(i);
  }

  void Expire() {
    double now = Now();
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].fd >= 0 && now > slots_[i].deadline) Fail(i, ETIMEDOUT);
    }
  }

  void Report(double t, long packets) const {
    std::string errs;
    for (const auto& [k, v] : errors_) {
      errs += (errs.empty() ? "\"" : ",\"") + k + "\":" + std::to_string(v);
    }
    std::printf(
        "{\"proto\":\"%s\",\"concurrency\":%d,\"ok\":%ld,\"failed\":%ld,"
        "\"seconds\":%.3f,\"per_s\":%.1f,\"packets\":%ld,\"packets_per_s\":%."
        "1f,"
        "\"errors\":{%s}}\n",
        o_.udp ? "udp" : "tcp", o_.concurrency, ok_, failed_, t, ok_ / t,
        packets, packets / t, errs.c_str());
  }

  RunOptions o_;
  int ep_ = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Slot> slots_;
  long ok_ = 0, failed_ = 0, started_ = 0;
  double t0_ = 0, end_ = 0;
  std::map<std::string, long> errors_;
};

/// Parses the run options; false on a usage error.
bool ParseRun(int argc, char** argv, RunOptions& o) {
  bool target = false;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--tcp" || k == "--udp") {
      o.udp = k == "--udp";
      target = ParseAddr(v, o.target);
    } else if (k == "--duration") {
      o.duration = std::atof(v.c_str());
    } else if (k == "--concurrency") {
      o.concurrency = std::atoi(v.c_str());
    } else if (k == "--max") {
      o.max = std::atol(v.c_str());
    } else if (k == "--timeout-ms") {
      o.timeout_ms = std::atoi(v.c_str());
    } else if (k == "--iface") {
      o.iface = v;
    } else {
      return false;
    }
  }
  return argc % 2 == 0 && target && o.duration > 0 && o.duration <= 600 &&
         o.concurrency > 0 && o.concurrency <= 4096 && o.timeout_ms > 0;
}

/// Parses the serve options and serves; 2 on a usage error.
int ServeMain(int argc, char** argv) {
  std::vector<std::string> tcp, udp;
  std::string pidfile;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--tcp")
      tcp = Split(v);
    else if (k == "--udp")
      udp = Split(v);
    else if (k == "--pidfile")
      pidfile = v;
    else
      return 2;
  }
  if (argc % 2 != 0 || (tcp.empty() && udp.empty())) return 2;
  return Serve(tcp, udp, pidfile);
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  int rc = 2;
  if (cmd == "serve") {
    rc = ServeMain(argc, argv);
  } else if (cmd == "run") {
    RunOptions o;
    if (ParseRun(argc, argv, o)) return Runner(o).Run();
  }
  if (rc == 2) {
    std::fprintf(
        stderr,
        "usage: loadgen serve [--tcp ADDR:PORT,..] [--udp "
        "ADDR:PORT,..] [--pidfile F]\n"
        "       loadgen run (--tcp|--udp) ADDR:PORT [--duration S] "
        "[--concurrency C] [--max N] [--timeout-ms T] [--iface DEV]\n");
  }
  return rc;
}
