#include "director/status_rate.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace lvsnft::netlink {
namespace {

double PerSecond(uint64_t before, uint64_t after, double seconds) {
  uint64_t d = after >= before ? after - before : after;
  return seconds > 0 ? static_cast<double>(d) / seconds : 0;
}

// NAT/FULLNAT count new connections; DR/TUN count packets and bytes (their
// Conns column is the flow table's size, not a counter).
template <typename T>
Rate RateOf(bool stateless, const T* before, const T& after, double seconds) {
  static const T kZero{};
  const T& b = before ? *before : kZero;
  Rate r;
  if (stateless) {
    r.pps = PerSecond(b.packets, after.packets, seconds);
    r.bps = PerSecond(b.bytes, after.bytes, seconds);
  } else {
    r.cps = PerSecond(b.conns, after.conns, seconds);
  }
  return r;
}

const ServiceStatus* FindService(const DirectorStatus& s,
                                 const std::string& name) {
  for (const auto& v : s.services)
    if (v.name == name) return &v;
  return nullptr;
}

const RsStatus* FindServer(const ServiceStatus* s, const std::string& addr) {
  if (!s) return nullptr;
  for (const auto& r : s->servers)
    if (r.address == addr) return &r;
  return nullptr;
}

std::string Cell(const std::optional<double>& v) {
  char buf[32];
  if (!v) return "         -";
  std::snprintf(buf, sizeof buf, "%10.0f", *v);
  return buf;
}

nlohmann::ordered_json RateJson(const Rate& r) {
  auto one = [](const std::optional<double>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
  };
  return {{"cps", one(r.cps)}, {"pps", one(r.pps)}, {"bps", one(r.bps)}};
}

}  // namespace

std::vector<ServiceRate> ComputeRates(const DirectorStatus& before,
                                      const DirectorStatus& after,
                                      double seconds) {
  std::vector<ServiceRate> out;
  for (const auto& v : after.services) {
    bool stateless = v.mode == "dr" || v.mode == "tun";
    const ServiceStatus* b = FindService(before, v.name);
    ServiceRate sr{v.name, v.mode,  v.protocol,
                   v.vip,  v.ports, RateOf(stateless, b, v, seconds),
                   {}};
    for (const auto& r : v.servers) {
      sr.servers.push_back(
          {r.address, RateOf(stateless, FindServer(b, r.address), r, seconds)});
    }
    out.push_back(std::move(sr));
  }
  return out;
}

std::string RenderRatesText(const std::vector<ServiceRate>& rates,
                            double seconds) {
  char line[256];
  std::snprintf(line, sizeof line,
                "lvsnft status --rate: per second over %gs\n", seconds);
  std::string out = line;
  out +=
      "Prot VirtualAddress:Port            Mode           CPS        PPS"
      "        BPS\n"
      "  -> RealServer:Port                               CPS        PPS"
      "        BPS\n";
  for (const auto& v : rates) {
    std::string vip =
        v.vip.find(':') != std::string::npos ? "[" + v.vip + "]" : v.vip;
    std::snprintf(line, sizeof line, "%-4s %-29s %-7s %s %s %s\n",
                  v.protocol.c_str(), (vip + ":" + v.ports).c_str(),
                  v.mode.c_str(), Cell(v.rate.cps).c_str(),
                  Cell(v.rate.pps).c_str(), Cell(v.rate.bps).c_str());
    out += line;
    for (const auto& r : v.servers) {
      std::snprintf(line, sizeof line, "  -> %-37s %s %s %s\n",
                    r.address.c_str(), Cell(r.rate.cps).c_str(),
                    Cell(r.rate.pps).c_str(), Cell(r.rate.bps).c_str());
      out += line;
    }
  }
  out +=
      "CPS = new connections (NAT/FULLNAT); PPS/BPS = packets/bytes forwarded "
      "(DR/TUN); - = not counted for the mode.\n";
  return out;
}

std::string RenderRatesJson(const std::vector<ServiceRate>& rates,
                            double seconds) {
  nlohmann::ordered_json j;
  j["interval"] = seconds;
  j["services"] = nlohmann::ordered_json::array();
  for (const auto& v : rates) {
    nlohmann::ordered_json sv = {
        {"name", v.name}, {"mode", v.mode},   {"protocol", v.protocol},
        {"vip", v.vip},   {"ports", v.ports}, {"rate", RateJson(v.rate)}};
    sv["real_servers"] = nlohmann::ordered_json::array();
    for (const auto& r : v.servers) {
      sv["real_servers"].push_back(
          {{"address", r.address}, {"rate", RateJson(r.rate)}});
    }
    j["services"].push_back(sv);
  }
  return j.dump(2) + "\n";
}

}  // namespace lvsnft::netlink
