#include "config/health_check.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "config/config.h"
#include "config/config_names.h"

namespace lvsnft {
namespace {

using std::chrono::milliseconds;

/// Type-specific keys and the check types they apply to (bit per type);
/// every other key applies to every type.
struct KeyTypes {
  std::string_view key;
  unsigned types;
};

constexpr unsigned Bit(CheckType t) { return 1u << static_cast<unsigned>(t); }
constexpr unsigned kWeb = Bit(CheckType::kHttp) | Bit(CheckType::kHttps);
constexpr unsigned kNet = kWeb | Bit(CheckType::kTcp) | Bit(CheckType::kUdp);

constexpr std::array<KeyTypes, 14> kTypeKeys = {{
    {"path", kWeb},
    {"host", kWeb},
    {"status", kWeb},
    {"regex", kWeb},
    {"sni", Bit(CheckType::kHttps)},
    {"verify", Bit(CheckType::kHttps)},
    {"ca_file", Bit(CheckType::kHttps)},
    {"client_cert", Bit(CheckType::kHttps)},
    {"client_key", Bit(CheckType::kHttps)},
    {"payload", Bit(CheckType::kUdp)},
    {"expect", Bit(CheckType::kUdp)},
    {"command", Bit(CheckType::kExec)},
    {"address", kNet},
    {"port", kNet},
}};

/// The type bits of `key`; 0 when it applies to every type.
unsigned TypesOf(std::string_view key) {
  for (const auto& k : kTypeKeys) {
    if (k.key == key) return k.types;
  }
  return 0;
}

/// Drops the fields that belong to one check type (not the target).
void ClearTypeFields(HealthCheckSpec& h) {
  h.path = h.host = h.regex = h.sni = h.payload = h.expect = std::nullopt;
  h.ca_file = h.client_cert = h.client_key = std::nullopt;
  h.status = std::nullopt;
  h.verify = std::nullopt;
  h.command = std::nullopt;
  std::erase_if(h.origins, [](const auto& entry) {
    unsigned types = TypesOf(entry.first);
    return types != 0 && types != kNet;
  });
}

/// `over` when set, else `base`.
template <typename T>
std::optional<T> Pick(const std::optional<T>& base,
                      const std::optional<T>& over) {
  return over ? over : base;
}

/// The address as a Host header names it: IPv6 in brackets.
std::string HostText(const IpAddr& a) {
  return a.family == IpFamily::kV6 ? "[" + a.ToString() + "]" : a.ToString();
}

}  // namespace

const char* CheckTypeName(CheckType t) {
  return names::kCheckTypes[static_cast<size_t>(t)].data();
}

const char* InitialStateName(InitialState s) {
  return names::kInitialStates[static_cast<size_t>(s)].data();
}

const char* OnFailureName(OnFailure f) {
  return names::kOnFailure[static_cast<size_t>(f)].data();
}

const char* AllDownName(AllDown a) {
  return names::kAllDown[static_cast<size_t>(a)].data();
}

bool HealthKeyApplies(std::string_view key, CheckType t) {
  unsigned types = TypesOf(key);
  return types == 0 || (types & Bit(t)) != 0;
}

std::string HealthKeyTypes(std::string_view key) {
  std::vector<std::string_view> list;
  for (size_t i = 0; i < names::kCheckTypes.size(); ++i) {
    if (TypesOf(key) & (1u << i)) list.push_back(names::kCheckTypes[i]);
  }
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += i + 1 == list.size() ? " and " : ", ";
    out += list[i];
  }
  return out;
}

HealthCheckSpec MergeHealthCheck(const HealthCheckSpec& base,
                                 const HealthCheckSpec& over) {
  HealthCheckSpec out = base;
  if (over.type && base.type && *over.type != *base.type) {
    ClearTypeFields(out);
  }
  out.origin = over.origin;
  out.type = Pick(out.type, over.type);
  out.path = Pick(out.path, over.path);
  out.host = Pick(out.host, over.host);
  out.regex = Pick(out.regex, over.regex);
  out.sni = Pick(out.sni, over.sni);
  out.status = Pick(out.status, over.status);
  out.verify = Pick(out.verify, over.verify);
  out.ca_file = Pick(out.ca_file, over.ca_file);
  out.client_cert = Pick(out.client_cert, over.client_cert);
  out.client_key = Pick(out.client_key, over.client_key);
  out.payload = Pick(out.payload, over.payload);
  out.expect = Pick(out.expect, over.expect);
  out.command = Pick(out.command, over.command);
  out.interval = Pick(out.interval, over.interval);
  out.timeout = Pick(out.timeout, over.timeout);
  out.fast_interval = Pick(out.fast_interval, over.fast_interval);
  out.rise = Pick(out.rise, over.rise);
  out.fall = Pick(out.fall, over.fall);
  out.initial_state = Pick(out.initial_state, over.initial_state);
  out.address = Pick(out.address, over.address);
  out.port = Pick(out.port, over.port);
  for (const auto& [key, origin] : over.origins) out.origins[key] = origin;
  return out;
}

std::optional<HealthCheck> EffectiveHealthCheck(const Service& s,
                                                const RealServer& rs) {
  const auto& svc = s.health_check;
  const auto& own = rs.health_check;
  if (!svc && !own) return std::nullopt;
  HealthCheckSpec h = svc && own ? MergeHealthCheck(*svc, *own)
                      : own      ? *own
                                 : *svc;
  if (!h.type) return std::nullopt;
  HealthCheck c;
  c.type = *h.type;
  c.address = h.address.value_or(rs.address);
  if (c.type != CheckType::kExec) {
    bool one_port = s.ports.size() == 1 && s.ports[0].single();
    if (h.port || rs.port) {
      c.port = h.port ? *h.port : *rs.port;
    } else if (one_port) {
      c.port = s.ports[0].first;
    } else {
      return std::nullopt;
    }
  }
  c.path = h.path.value_or("/");
  c.host = h.host.value_or(HostText(c.address));
  c.status = h.status.value_or(c.status);
  c.regex = h.regex.value_or("");
  c.sni = h.sni.value_or(h.host.value_or(""));
  c.verify = h.verify.value_or(true);
  c.ca_file = h.ca_file.value_or("");
  c.client_cert = h.client_cert.value_or("");
  c.client_key = h.client_key.value_or("");
  c.payload = h.payload.value_or("");
  c.expect = h.expect.value_or("");
  c.command = h.command.value_or(std::vector<std::string>{});
  c.interval = h.interval.value_or(milliseconds(2000));
  c.timeout = h.timeout.value_or(std::min(c.interval, milliseconds(5000)));
  c.fast_interval =
      h.fast_interval.value_or(std::min(c.interval, milliseconds(1000)));
  c.rise = h.rise.value_or(2);
  c.fall = h.fall.value_or(3);
  c.initial_state = h.initial_state.value_or(InitialState::kUp);
  return c;
}

}  // namespace lvsnft
