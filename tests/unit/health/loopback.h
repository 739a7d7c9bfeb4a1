// Loopback servers and loop helpers for the health engine's unit tests:
// listeners (answering, refusing, black-holed), a tiny evhttp server, a
// UDP echo, all on 127.0.0.1 with kernel-chosen ports.
#pragma once

#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "health/check_spec.h"

namespace lvsnft::health::testing {

/// An event_base owned by the test.
struct Loop {
  /// Also ignores SIGPIPE, as the daemon does (the engine needs it).
  Loop() : base(event_base_new()) { std::signal(SIGPIPE, SIG_IGN); }
  ~Loop() { event_base_free(base); }
  /// Runs the loop until `done()` or `limit` passed; returns done().
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds limit);
  /// Runs the loop for `d`.
  void RunFor(std::chrono::milliseconds d);
  event_base* base;
};

/// A socket bound to 127.0.0.1 (port chosen by the kernel), closed on
/// destruction.
class Socket {
 public:
  /// SOCK_STREAM or SOCK_DGRAM.
  explicit Socket(int type);
  ~Socket();
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  /// Other sockets closed with this one (the connects filling a queue).
  std::vector<int> held;

 private:
  int fd_;
  uint16_t port_ = 0;
};

/// TCP listener that never accepts; with `fill` its queue is full, so new
/// connects hang (a black hole on loopback).
std::unique_ptr<Socket> Listener(bool fill = false);
/// A TCP port that refuses (bound, not listening).
std::unique_ptr<Socket> Refuser();
/// UDP socket echoing every datagram from the loop.
class UdpEcho {
 public:
  explicit UdpEcho(event_base* base);
  ~UdpEcho();
  uint16_t port() const { return sock_.port(); }

 private:
  Socket sock_;
  event* ev_;
};

/// evhttp server: /ok 200 "hello world", /fail 500; with a TLS context
/// (a self-signed "localhost" certificate, or the context given) it
/// speaks https.
class HttpServer {
 public:
  explicit HttpServer(event_base* base, bool tls = false);
  /// An https server with `ssl_ctx` (an SSL_CTX*, owned from now on).
  HttpServer(event_base* base, void* ssl_ctx);
  ~HttpServer();
  uint16_t port() const { return port_; }

 private:
  void Listen();
  evhttp* http_;
  void* ssl_ctx_ = nullptr;
  uint16_t port_ = 0;
};

/// A spec of `type` for 127.0.0.1:port with short timings.
CheckSpec LocalSpec(CheckType type, uint16_t port);

/// Open file descriptors of this process.
int OpenFds();

}  // namespace lvsnft::health::testing
