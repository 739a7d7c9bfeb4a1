// lvsnft_echo serve: answers every TCP connection and UDP datagram with
// "rs=NAME client=IP:PORT local=IP:PORT".
#pragma once

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "net.h"

namespace echo {

/// What `lvsnft_echo serve` listens on and how it behaves.
struct ServerOptions {
  std::string name;           ///< reported as rs=NAME
  std::vector<Endpoint> tcp;  ///< TCP listen addresses
  std::vector<Endpoint> udp;  ///< UDP addresses
  bool hold = false;          ///< keep TCP connections open, answer lines
  std::string pidfile;        ///< written once every socket is bound
};

/// The reply line for a peer/local pair.
inline std::string ReplyLine(const std::string& name,
                             const sockaddr_storage& peer,
                             const sockaddr_storage& local) {
  return "rs=" + name + " client=" + FormatEndpoint(peer) +
         " local=" + FormatEndpoint(local) + "\n";
}

/// Opens and binds one socket; IP(V6)_FREEBIND lets it bind to a VIP that
/// does not exist yet. Returns the fd or -1 (message on stderr).
inline int BindSocket(const Endpoint& ep, int type) {
  int fd = socket(ep.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ep.family() == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  } else {
    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  }
  if (bind(fd, ep.sa(), ep.len) != 0 ||
      (type == SOCK_STREAM && listen(fd, 4096) != 0)) {
    fprintf(stderr, "lvsnft_echo: bind %s: %s\n", FormatEndpoint(ep.ss).c_str(),
            strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

/// Event-loop state of the server.
class Server {
 public:
  /// Keeps the options; nothing is opened yet.
  explicit Server(const ServerOptions& opt) : opt_(opt) {}

  /// Binds every socket, writes the pidfile, then serves forever.
  /// Returns 2 when a socket cannot be opened.
  int Run() {
    RaiseFdLimit();
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    for (const auto& e : opt_.tcp) {
      if (!Add(BindSocket(e, SOCK_STREAM), kListener)) return 2;
    }
    for (const auto& e : opt_.udp) {
      if (!Add(BindSocket(e, SOCK_DGRAM), kUdp)) return 2;
    }
    if (!opt_.pidfile.empty()) {
      FILE* f = fopen(opt_.pidfile.c_str(), "w");
      if (!f) return perror(opt_.pidfile.c_str()), 2;
      fprintf(f, "%d\n", getpid());
      fclose(f);
    }
    epoll_event ev[64];
    for (;;) {
      int n = epoll_wait(ep_, ev, 64, -1);
      for (int i = 0; i < n; ++i) Dispatch(ev[i].data.fd);
    }
  }

 private:
  enum Kind { kListener, kUdp, kConn };

  static void RaiseFdLimit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
  }

  bool Add(int fd, Kind kind) {
    if (fd < 0) return false;
    epoll_event ev{};
    ev.events = kind == kConn ? EPOLLIN | EPOLLRDHUP : EPOLLIN;
    ev.data.fd = fd;
    kinds_[fd] = kind;
    return epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  void Dispatch(int fd) {
    auto it = kinds_.find(fd);
    if (it == kinds_.end()) return;  // closed earlier in this batch
    switch (it->second) {
      case kListener:
        return Accept(fd);
      case kUdp:
        return Datagrams(fd);
      case kConn:
        return Readable(fd);
    }
  }

  void Accept(int lfd) {
    for (;;) {
      sockaddr_storage peer{}, local{};
      socklen_t plen = sizeof peer, llen = sizeof local;
      int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &plen,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of fds: retried on next event
      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen);
      std::string line = ReplyLine(opt_.name, peer, local);
      send(fd, line.data(), line.size(), MSG_NOSIGNAL);
      if (opt_.hold) {
        lines_[fd] = line;
      } else {
        shutdown(fd, SHUT_WR);  // we close first; the client's port is free
      }
      Add(fd, kConn);
    }
  }

  // Hold mode answers each received line; otherwise input is discarded.
  // EOF or an error closes the connection.
  void Readable(int fd) {
    char buf[4096];
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {
        kinds_.erase(fd);
        lines_.erase(fd);
        close(fd);
        return;
      }
      if (!opt_.hold) continue;
      const std::string& line = lines_[fd];
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == '\n') send(fd, line.data(), line.size(), MSG_NOSIGNAL);
      }
    }
  }

  void Datagrams(int fd);

  ServerOptions opt_;
  int ep_ = -1;
  std::map<int, Kind> kinds_;
  std::map<int, std::string> lines_;
};

/// Reads every queued datagram and answers from the address it was sent to
/// (IP_PKTINFO), so a wildcard-bound server still replies from the VIP.
inline void Server::Datagrams(int fd) {
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  for (;;) {
    char buf[2048];
    alignas(cmsghdr) char ctl[256];
    sockaddr_storage peer{};
    iovec iov{buf, sizeof buf};
    msghdr msg{&peer, sizeof peer, &iov, 1, ctl, sizeof ctl, 0};
    if (recvmsg(fd, &msg, 0) < 0) return;
    sockaddr_storage local = bound;
    alignas(cmsghdr) char out_ctl[256] = {};
    size_t out_len = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO;
      bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO;
      if (!v4 && !v6) continue;
      if (v4) {
        auto* pi = reinterpret_cast<in_pktinfo*>(CMSG_DATA(c));
        reinterpret_cast<sockaddr_in*>(&local)->sin_addr = pi->ipi_addr;
        pi->ipi_spec_dst = pi->ipi_addr;
        pi->ipi_ifindex = 0;
      } else {
        auto* pi = reinterpret_cast<in6_pktinfo*>(CMSG_DATA(c));
        reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr = pi->ipi6_addr;
      }
      memcpy(out_ctl, c, c->cmsg_len);
      out_len = CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
    }
    std::string line = ReplyLine(opt_.name, peer, local);
    iovec oiov{line.data(), line.size()};
    msghdr out{
        &peer, msg.msg_namelen, &oiov, 1, out_len ? out_ctl : nullptr, out_len,
        0};
    sendmsg(fd, &out, 0);
  }
}

}  // namespace echo
