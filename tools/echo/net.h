// Address parsing/formatting and small socket helpers for lvsnft_echo.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace echo {

/// An IPv4 or IPv6 socket address.
struct Endpoint {
  sockaddr_storage ss{};  ///< the address; ss_family says which kind
  socklen_t len = 0;      ///< sizeof the sockaddr_in/sockaddr_in6 in ss
  /// AF_INET or AF_INET6.
  int family() const { return ss.ss_family; }
  /// The address as a generic sockaddr pointer.
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

/// Milliseconds on a monotonic clock.
inline double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch())
      .count();
}

/// Splits `text` at every `sep`; empty pieces are dropped.
inline std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// Sets the port of an endpoint (host byte order).
inline void SetPort(Endpoint& ep, uint16_t port) {
  if (ep.family() == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&ep.ss)->sin6_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in*>(&ep.ss)->sin_port = htons(port);
  }
}

/// Parses a bare IPv4/IPv6 address ("10.0.0.1", "2001:db8::1"); port 0.
inline std::optional<Endpoint> ParseAddress(const std::string& text) {
  Endpoint ep;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.ss);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    ep.len = sizeof(sockaddr_in);
    return ep;
  }
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    ep.len = sizeof(sockaddr_in6);
    return ep;
  }
  return std::nullopt;
}

/// Parses "ADDR:PORT" or "[V6ADDR]:PORT".
inline std::optional<Endpoint> ParseEndpoint(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return {};
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return {};  // IPv6 needs brackets
  }
  char* end = nullptr;
  long port = strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return {};
  auto ep = ParseAddress(host);
  if (ep) SetPort(*ep, static_cast<uint16_t>(port));
  return ep;
}

/// The IP part of a socket address; v4-mapped IPv6 shown as IPv4.
inline std::string FormatAddress(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr,
              buf, sizeof buf);
    return buf;
  }
  const auto& a6 = reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    inet_ntop(AF_INET, &a6.s6_addr[12], buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &a6, buf, sizeof buf);
  }
  return buf;
}

/// "IP:PORT" for IPv4, "[IP]:PORT" for IPv6.
inline std::string FormatEndpoint(const sockaddr_storage& ss) {
  std::string ip = FormatAddress(ss);
  uint16_t port =
      ss.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port)
          : ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(port);
}

/// Symbolic errno name ("ECONNRESET"), or "E<number>".
inline std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

/// Waits for `events` on fd until the absolute NowMs() deadline.
/// Returns 1 ready, 0 timed out, -1 error (errno set).
inline int WaitFd(int fd, short events, double deadline_ms) {
  for (;;) {
    double left = deadline_ms - NowMs();
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, static_cast<int>(left) + 1);
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0 ? 1 : rc;
  }
}

}  // namespace echo
