#include "health/loopback.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

namespace lvsnft::health::testing {

bool Loop::RunUntil(const std::function<bool()>& done,
                    std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    timeval tick{0, 2000};
    event_base_loopexit(base, &tick);
    event_base_dispatch(base);
  }
  return done();
}

void Loop::RunFor(std::chrono::milliseconds d) {
  RunUntil([] { return false; }, d);
}

Socket::Socket(int type) : fd_(socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  socklen_t len = sizeof(sa);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
}

Socket::~Socket() {
  for (int fd : held) close(fd);
  close(fd_);
}

std::unique_ptr<Socket> Listener(bool fill) {
  auto s = std::make_unique<Socket>(SOCK_STREAM);
  EXPECT_EQ(listen(s->fd(), fill ? 0 : 64), 0);
  if (!fill) return s;
  // Backlog 0 holds one finished connection; after it, SYNs are dropped.
  for (int i = 0; i < 2; i++) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(s->port());
    connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    usleep(20000);
    s->held.push_back(c);
  }
  return s;
}

std::unique_ptr<Socket> Refuser() {
  return std::make_unique<Socket>(SOCK_STREAM);
}

UdpEcho::UdpEcho(event_base* base) : sock_(SOCK_DGRAM) {
  ev_ = event_new(
      base, sock_.fd(), EV_READ | EV_PERSIST,
      [](evutil_socket_t fd, short, void*) {
        char buf[512];
        sockaddr_storage from;
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
                             reinterpret_cast<sockaddr*>(&from), &len);
        if (n >= 0)
          sendto(fd, buf, n, 0, reinterpret_cast<sockaddr*>(&from), len);
      },
      nullptr);
  event_add(ev_, nullptr);
}

UdpEcho::~UdpEcho() { event_free(ev_); }

CheckSpec LocalSpec(CheckType type, uint16_t port) {
  CheckSpec s;
  s.type = type;
  s.address = *IpAddr::Parse("127.0.0.1");
  s.port = port;
  s.interval = Millis(20);
  s.timeout = Millis(200);
  s.rise = 2;
  s.fall = 3;
  return s;
}

int OpenFds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/self/fd"))
    n++;
  return n;
}

}  // namespace lvsnft::health::testing
