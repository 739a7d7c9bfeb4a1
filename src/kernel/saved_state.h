// What the director's and rs-setup's remembered states have in common:
// the addresses lvsnft put on devices (and their JSON form) and a
// memory-only store for dry runs and tests. Each side keeps its own state
// type, file kind and messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/addr.h"

namespace lvsnft::netlink {

/// An address lvsnft added to a device (so it removes exactly that one).
struct DeviceAddress {
  std::string device;
  IpAddr addr;
  int prefix = 32;
  bool operator==(const DeviceAddress&) const = default;
};

/// The addresses as a JSON array of {"device", "address", "prefix"}.
nlohmann::json AddressesToJson(const std::vector<DeviceAddress>& addrs);

/// Parses AddressesToJson output. Throws nlohmann::json::exception for a
/// missing or mistyped member and std::invalid_argument ("invalid address
/// \"x\"") for an address that does not parse.
std::vector<DeviceAddress> AddressesFromJson(const nlohmann::json& j);

/// A state kept in memory only: the last one saved (nullopt: none).
template <typename T>
class MemoryStore {
 public:
  /// A store holding `v` to begin with.
  explicit MemoryStore(std::optional<T> v = std::nullopt)
      : value_(std::move(v)) {}
  /// The stored value.
  const std::optional<T>& Get() const { return value_; }
  /// Replaces the stored value (nullopt forgets it) and counts the save.
  void Put(std::optional<T> v) {
    value_ = std::move(v);
    ++saves_;
  }
  /// Number of Put calls so far.
  int saves() const { return saves_; }

 private:
  std::optional<T> value_;
  int saves_ = 0;
};

}  // namespace lvsnft::netlink
