#include "base/addr.h"

#include <arpa/inet.h>

#include <cstring>

namespace lvsnft {

std::optional<IpAddr> IpAddr::Parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  IpAddr a;
  if (s.find(':') == std::string::npos) {
    // inet_pton accepts only strict dotted-quad for AF_INET.
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    a.family = IpFamily::kV4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  a.family = IpFamily::kV6;
  return a;
}

std::string IpAddr::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  int af = family == IpFamily::kV4 ? AF_INET : AF_INET6;
  inet_ntop(af, bytes.data(), buf, sizeof(buf));
  return buf;
}

uint32_t IpAddr::v4() const {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
         (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
}

bool IpAddr::IsUnusableForService() const {
  if (family == IpFamily::kV4) {
    uint32_t v = v4();
    return v == 0 || v == 0xffffffffu || (v >> 24) == 127 ||
           (v >> 28) == 0xe;  // 224.0.0.0/4 multicast
  }
  static const std::array<uint8_t, 16> kZero{};
  std::array<uint8_t, 16> loop{};
  loop[15] = 1;
  return bytes == kZero || bytes == loop || bytes[0] == 0xff;
}

const char* FamilyName(IpFamily f) {
  return f == IpFamily::kV4 ? "IPv4" : "IPv6";
}

}  // namespace lvsnft
