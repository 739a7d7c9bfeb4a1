// IP addresses as plain values (no sockets involved).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lvsnft {

/// Address family of a service, real server or address.
enum class IpFamily { kV4, kV6 };

/// An IPv4 or IPv6 address in network byte order.
struct IpAddr {
  IpFamily family = IpFamily::kV4;
  std::array<uint8_t, 16> bytes{};  ///< First 4 bytes used for IPv4.

  /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nullopt if invalid.
  static std::optional<IpAddr> Parse(std::string_view text);
  /// Canonical text form (inet_ntop style; IPv6 compressed, lower case).
  std::string ToString() const;
  /// Number of significant bytes: 4 or 16.
  size_t size() const { return family == IpFamily::kV4 ? 4 : 16; }
  /// Address length in bits: 32 or 128.
  int bits() const { return family == IpFamily::kV4 ? 32 : 128; }
  /// IPv4 address as a host-order integer (IPv4 only).
  uint32_t v4() const;
  /// True for 0.0.0.0, ::, multicast, broadcast and loopback addresses.
  bool IsUnusableForService() const;

  auto operator<=>(const IpAddr&) const = default;
};

/// Name of a family as used in messages: "IPv4" / "IPv6".
const char* FamilyName(IpFamily f);

}  // namespace lvsnft
