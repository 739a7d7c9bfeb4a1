// Which addresses and service names a config may use: rules the checker
// and the parser (local addresses) both apply.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "config/check.h"

namespace lvsnft {
namespace {

/// UnusableReason for an IPv4 address (host order).
std::string UnusableReason4(uint32_t v) {
  if (v == 0) return "0.0.0.0 is the unspecified address";
  if (v == 0xffffffffu)
    return "255.255.255.255 is the limited broadcast address";
  switch (v >> 24) {
    case 0:
      return "0.0.0.0/8 is reserved for \"this network\"";
    case 127:
      return "127.0.0.0/8 is loopback";
  }
  if ((v >> 16) == 0xa9fe) return "169.254.0.0/16 is link-local";
  if ((v >> 28) == 0xe) return "224.0.0.0/4 is multicast";
  if ((v >> 28) == 0xf) return "240.0.0.0/4 is reserved";
  return "";
}

}  // namespace

bool IsSafeName(std::string_view name) {
  if (name.empty() || name.size() > 48) return false;
  auto alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return alpha(c) || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string UnusableReason(const IpAddr& a) {
  if (a.family == IpFamily::kV4) return UnusableReason4(a.v4());
  const auto& bytes = a.bytes;
  static const std::array<uint8_t, 16> kZero{};
  std::array<uint8_t, 16> loop{};
  loop[15] = 1;
  if (bytes == kZero) return ":: is the unspecified address";
  if (bytes == loop) return "::1 is loopback";
  if (bytes[0] == 0xff) return "ff00::/8 is multicast";
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) {
    return "fe80::/10 is link-local";
  }
  if (std::equal(bytes.begin(), bytes.begin() + 10, kZero.begin()) &&
      bytes[10] == 0xff && bytes[11] == 0xff) {
    IpAddr v4addr;
    std::copy(bytes.begin() + 12, bytes.end(), v4addr.bytes.begin());
    return "::ffff:0:0/96 is IPv4-mapped (write " + v4addr.ToString() + ")";
  }
  return "";
}

}  // namespace lvsnft
