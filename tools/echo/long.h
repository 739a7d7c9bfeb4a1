// lvsnft_echo client --long N: N TCP connections kept open, each sending a
// line every --interval-ms (default 100) and expecting the server's answer
// (`serve --hold`); reports every connection that broke and when.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "report.h"

namespace echo {

/// One long-lived connection.
struct LongConn {
  int fd = -1;          ///< -1 once closed
  Outcome info;         ///< rs/seen/local from the greeting, error if broken
  double sent_ms = -1;  ///< when the unanswered ping went out (-1: none)
  bool opened = false;  ///< greeting received
  long exchanges = 0;   ///< answered pings
};

/// Runs the long mode; prints the JSON summary; returns the exit status.
class LongRun {
 public:
  /// Keeps the options; the clock starts at Run().
  explicit LongRun(const ClientOptions& o)
      : o_(o),
        conns_(o.long_n),
        interval_(o.interval_ms >= 0 ? o.interval_ms : 100) {}

  /// Opens, exchanges until --duration or a signal, closes, reports.
  int Run() {
    t0_ = NowMs();
    for (size_t i = 0; i < conns_.size(); ++i) Open(i);
    double end = NowMs() + o_.duration_s * 1000, tick = NowMs();
    while (NowMs() < end && !g_stop) {
      if (NowMs() >= tick) {
        for (auto& c : conns_) Ping(c);
        tick += interval_;
      }
      PollOnce(std::min(tick, end));
    }
    double elapsed = NowMs() - t0_;
    for (auto& c : conns_) {
      if (c.fd >= 0) close(c.fd);
    }
    return Report(elapsed);
  }

 private:
  void Break(LongConn& c, const std::string& error) {
    c.info.error = error;
    c.info.t_ms = NowMs() - t0_;
    close(c.fd);
    c.fd = -1;
  }

  void Open(size_t i) {
    LongConn& c = conns_[i];
    c.fd = ClientSocket(o_, SOCK_STREAM, static_cast<long>(i));
    if (c.fd < 0) {
      c.info.error = ErrnoName(errno);
      return;
    }
    double start = NowMs();
    std::string line,
        err = ConnectTimeout(c.fd, o_.target, start + o_.timeout_ms);
    if (err.empty()) err = ReadLine(c.fd, NowMs() + o_.timeout_ms, line);
    if (err.empty() && !ParseReply(line, c.info)) err = "BADREPLY";
    c.info.latency_ms = NowMs() - start;
    if (!err.empty()) return Break(c, err);
    c.opened = true;
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  }

  void Ping(LongConn& c) {
    if (c.fd < 0) return;
    if (c.sent_ms >= 0) {
      if (NowMs() - c.sent_ms > o_.timeout_ms) Break(c, "ETIMEDOUT");
      return;
    }
    if (send(c.fd, "ping\n", 5, MSG_NOSIGNAL) != 5)
      return Break(c, ErrnoName(errno));
    c.sent_ms = NowMs();
  }

  void PollOnce(double until) {
    std::vector<pollfd> pfd;
    std::vector<LongConn*> who;
    for (auto& c : conns_) {
      if (c.fd < 0) continue;
      pfd.push_back({c.fd, POLLIN, 0});
      who.push_back(&c);
    }
    int wait = std::max(0, static_cast<int>(until - NowMs()));
    if (poll(pfd.data(), pfd.size(), wait) <= 0) return;
    for (size_t i = 0; i < pfd.size(); ++i) {
      if (pfd[i].revents) Receive(*who[i]);
    }
  }

  void Receive(LongConn& c) {
    char buf[4096];
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return Break(c, n == 0 ? "EOF" : ErrnoName(errno));
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') continue;
      ++c.exchanges;
      c.sent_ms = -1;
    }
  }

  int Report(double elapsed) const;

  ClientOptions o_;
  std::vector<LongConn> conns_;
  int interval_;
  double t0_ = 0;
};

inline int LongRun::Report(double elapsed) const {
  Tally t;
  long opened = 0, broken = 0, exchanges = 0;
  std::string breaks = "[";
  for (size_t i = 0; i < conns_.size(); ++i) {
    const LongConn& c = conns_[i];
    opened += c.opened;
    exchanges += c.exchanges;
    t.Add(c.info);
    if (c.info.error.empty()) continue;
    broken += c.opened;
    if (breaks.size() > 1) breaks += ",";
    breaks += "{\"conn\":" + std::to_string(i) +
              ",\"t_ms\":" + Num(c.info.t_ms) +
              ",\"opened\":" + (c.opened ? "true" : "false") +
              ",\"error\":" + Quote(c.info.error) +
              ",\"rs\":" + Quote(c.info.rs) + "}";
  }
  printf(
      "{\"mode\":\"long\",\"proto\":\"tcp\",\"target\":%s,\"total\":%zu,"
      "\"opened\":%ld,\"broken\":%ld,\"alive\":%ld,\"exchanges\":%ld,%s,"
      "\"elapsed_ms\":%s,\"breaks\":%s]}\n",
      Quote(FormatEndpoint(o_.target.ss)).c_str(), conns_.size(), opened,
      broken, t.ok, exchanges, t.Json().c_str(), Num(elapsed).c_str(),
      breaks.c_str());
  return t.failed == 0 ? 0 : 1;
}

}  // namespace echo
