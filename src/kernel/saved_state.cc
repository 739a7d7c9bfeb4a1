#include "kernel/saved_state.h"

#include <stdexcept>

namespace lvsnft::netlink {

nlohmann::json AddressesToJson(const std::vector<DeviceAddress>& addrs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : addrs) {
    out.push_back({{"device", a.device},
                   {"address", a.addr.ToString()},
                   {"prefix", a.prefix}});
  }
  return out;
}

std::vector<DeviceAddress> AddressesFromJson(const nlohmann::json& j) {
  std::vector<DeviceAddress> out;
  for (const auto& e : j) {
    const auto& text = e.at("address");
    auto addr = IpAddr::Parse(text.get<std::string>());
    if (!addr) throw std::invalid_argument("invalid address " + text.dump());
    out.push_back(
        {e.at("device").get<std::string>(), *addr, e.at("prefix").get<int>()});
  }
  return out;
}

}  // namespace lvsnft::netlink
