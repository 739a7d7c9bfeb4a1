#include "config/check_health.h"

#include <string_view>

#include "config/check.h"
#include "config/health_pem.h"

namespace lvsnft {
namespace {

using std::chrono::milliseconds;

/// "2 s", "0.5 s", "1.25 s".
std::string SecondsText(milliseconds d) {
  std::string s = std::to_string(d.count() / 1000);
  if (int64_t ms = d.count() % 1000) {
    std::string frac = std::to_string(1000 + ms).substr(1);
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s + " s";
}

/// Checks one health_check of service `s`: the service's own (`scope`
/// empty) or the one real server `rs` gets (`scope` = the server's
/// pointer, and only problems written inside the server are reported, as
/// the service's own were reported with the service).
class HealthChecker {
 public:
  HealthChecker(const Service& s, Diagnostics& d) : s_(s), d_(d) {}
  void Service();
  void Server(const RealServer& rs);
  void Policy();

 private:
  void Error(const Origin& o, std::string msg) {
    d_.Error(o.loc, o.pointer, std::move(msg));
  }
  bool InScope(const Origin& o) const {
    return o.pointer.starts_with(scope_ + "/");
  }
  /// The origin of `key` when it is given and in scope.
  const Origin* Given(const HealthCheckSpec& h, const std::string& key) const;
  void Spec(const HealthCheckSpec& h);
  void Longer(const HealthCheckSpec& h, const char* key, milliseconds value,
              milliseconds interval);
  void Port(const HealthCheckSpec& h, const RealServer& rs);
  void Tls(const HealthCheckSpec& h);
  void TlsFiles(const HealthCheckSpec& h);
  /// Reports `msg` at the first of `keys` given in scope.
  void ErrorAt(const HealthCheckSpec& h,
               std::initializer_list<const char*> keys, const std::string& msg);
  void SorryServer(const lvsnft::SorryServer& o);

  const lvsnft::Service& s_;
  Diagnostics& d_;
  std::string scope_;
};

const Origin* HealthChecker::Given(const HealthCheckSpec& h,
                                   const std::string& key) const {
  auto it = h.origins.find(key);
  return it != h.origins.end() && InScope(it->second) ? &it->second : nullptr;
}

void HealthChecker::Service() {
  scope_ = s_.origin.pointer;
  if (s_.health_check) Spec(*s_.health_check);
  for (const auto& rs : s_.real_servers) Server(rs);
}

void HealthChecker::Server(const RealServer& rs) {
  const auto& svc = s_.health_check;
  if (!svc && !rs.health_check) return;
  scope_ = rs.origin.pointer;
  HealthCheckSpec h = !rs.health_check ? *svc
                      : svc ? MergeHealthCheck(*svc, *rs.health_check)
                            : *rs.health_check;
  if (!h.type) {
    if (!svc) {
      Error(rs.health_check->origin,
            "missing required key \"type\" (the service has no "
            "health_check to inherit it from)");
    }
    return;  // else the parser reported the service's missing type
  }
  if (rs.health_check) Spec(h);
  Port(h, rs);
}

void HealthChecker::Spec(const HealthCheckSpec& h) {
  if (!h.type) return;  // the parser reported the missing type
  for (const auto& [key, origin] : h.origins) {
    if (InScope(origin) && !HealthKeyApplies(key, *h.type)) {
      Error(origin, key + " applies only to " + HealthKeyTypes(key) +
                        " checks (this check is " + CheckTypeName(*h.type) +
                        ")");
    }
  }
  milliseconds interval = h.interval.value_or(milliseconds(2000));
  if (h.timeout) Longer(h, "timeout", *h.timeout, interval);
  if (h.fast_interval) Longer(h, "fast_interval", *h.fast_interval, interval);
  if (*h.type == CheckType::kHttps) Tls(h);
  if (const Origin* o = Given(h, "address")) {
    if (std::string why = UnusableReason(*h.address); !why.empty()) {
      Error(*o, "health check address " + h.address->ToString() +
                    " is not usable: " + why);
    }
  }
}

/// Reports `key` (timeout, fast_interval) longer than the interval, at
/// the key when it is in scope, else at the interval.
void HealthChecker::Longer(const HealthCheckSpec& h, const char* key,
                           milliseconds value, milliseconds interval) {
  if (value <= interval) return;
  const Origin* at = Given(h, key);
  if (!at) at = Given(h, "interval");
  if (!at) return;
  Error(*at, std::string(key) + " " + SecondsText(value) +
                 " is longer than interval " + SecondsText(interval));
}

void HealthChecker::ErrorAt(const HealthCheckSpec& h,
                            std::initializer_list<const char*> keys,
                            const std::string& msg) {
  for (const char* key : keys) {
    if (const Origin* o = Given(h, key)) return Error(*o, msg);
  }
}

/// The https keys that go together: ca_file with verify, client_cert with
/// client_key; then the files themselves.
void HealthChecker::Tls(const HealthCheckSpec& h) {
  if (h.ca_file && !h.verify.value_or(true)) {
    ErrorAt(h, {"ca_file", "verify"},
            "ca_file applies only with verify true (this check accepts any "
            "server certificate)");
  }
  if (h.client_cert && !h.client_key) {
    ErrorAt(h, {"client_cert"}, "client_cert needs client_key");
  } else if (h.client_key && !h.client_cert) {
    ErrorAt(h, {"client_key"}, "client_key needs client_cert");
  }
  TlsFiles(h);
}

/// Loads the PEM files named in scope (absolute paths only: a relative
/// one was reported by the parser).
void HealthChecker::TlsFiles(const HealthCheckSpec& h) {
  auto usable = [](const std::optional<std::string>& p) {
    return p && p->starts_with('/');
  };
  const Origin* o = Given(h, "ca_file");
  if (o && usable(h.ca_file)) {
    if (std::string why = CertFileProblem("ca_file", *h.ca_file); !why.empty())
      Error(*o, why);
  }
  bool cert_ok = usable(h.client_cert);
  if ((o = Given(h, "client_cert")) && cert_ok) {
    std::string why = CertFileProblem("client_cert", *h.client_cert);
    if (!why.empty()) Error(*o, why);
    cert_ok = why.empty();
  }
  bool in_scope = Given(h, "client_key") || Given(h, "client_cert");
  if (in_scope && cert_ok && usable(h.client_key)) {
    std::string why = KeyFileProblem(*h.client_key, *h.client_cert);
    if (!why.empty()) ErrorAt(h, {"client_key", "client_cert"}, why);
  }
}

void HealthChecker::Port(const HealthCheckSpec& h, const RealServer& rs) {
  bool one_port = s_.ports.size() == 1 && s_.ports[0].single();
  if (*h.type == CheckType::kExec || h.port || rs.port || one_port) return;
  Error(rs.health_check ? rs.health_check->origin : rs.origin,
        std::string("health_check needs a port: real server ") +
            rs.address.ToString() + " has none and the service has " +
            (s_.ports.empty() ? "no port" : "several ports") +
            " (set \"port\" in the real server or in its health_check)");
}

void HealthChecker::Policy() {
  const HealthPolicy& p = s_.health;
  if (p.hysteresis && !p.quorum) {
    Error(p.hysteresis_origin, "hysteresis applies only with a quorum");
  } else if (p.quorum && p.hysteresis >= p.quorum) {
    Error(p.hysteresis_origin, "hysteresis " + std::to_string(p.hysteresis) +
                                   " must be less than quorum " +
                                   std::to_string(p.quorum));
  }
  uint64_t total = 0;
  for (const auto& rs : s_.real_servers) {
    if (rs.state == RsState::kUp) total += rs.weight;
  }
  uint64_t need = uint64_t{p.quorum} + p.hysteresis;
  if (p.quorum && need > total) {
    Error(p.quorum_origin,
          "quorum " + std::to_string(p.quorum) +
              (p.hysteresis ? " + hysteresis " + std::to_string(p.hysteresis)
                            : "") +
              " is more than the weight " + std::to_string(total) +
              " of the servers that are up: it could never be reached");
  }
  if (p.flush_conntrack && IsStatelessMode(s_.mode)) {
    Error(p.flush_conntrack_origin,
          std::string("flush_conntrack applies only to nat and fullnat "
                      "services: ") +
              ModeName(s_.mode) + " mode has no connection tracking");
  } else if (p.flush_conntrack && p.on_failure == OnFailure::kDrain) {
    Error(p.flush_conntrack_origin,
          "flush_conntrack applies only with on_failure \"remove\": a "
          "drained server keeps its established connections");
  }
  if (p.sorry_server) SorryServer(*p.sorry_server);
  if (p.sorry_server && p.all_down_origin.pointer.ends_with("/all_down")) {
    Error(p.all_down_origin,
          "all_down applies only without a sorry_server, which receives the "
          "traffic when every server is down");
  }
}

void HealthChecker::SorryServer(const lvsnft::SorryServer& o) {
  const IpAddr& a = o.address;
  if (std::string why = UnusableReason(a); !why.empty()) {
    Error(o.address_origin,
          "sorry server " + a.ToString() + " is not usable: " + why);
  } else if (a.family != s_.vip.family) {
    Error(o.address_origin, "sorry server " + a.ToString() + " is " +
                                FamilyName(a.family) + " but the VIP " +
                                s_.vip.ToString() + " is " +
                                FamilyName(s_.vip.family));
  }
  bool same_port = s_.ports.size() == 1 && s_.ports[0].single() &&
                   o.port == s_.ports[0].first;
  if (IsStatelessMode(s_.mode) && o.port && !same_port) {
    Error(o.port_origin, std::string("the sorry server cannot have another "
                                     "port in ") +
                             ModeName(s_.mode) +
                             " mode: the packet is forwarded unchanged");
  }
}

}  // namespace

void CheckHealth(const Service& s, Diagnostics& diags) {
  HealthChecker c(s, diags);
  c.Service();
  c.Policy();
}

}  // namespace lvsnft
