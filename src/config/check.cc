#include "config/check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "base/sched.h"
#include "base/side_work.h"
#include "config/check_health.h"
#include "config/json.h"

namespace lvsnft {
namespace {

uint32_t NextPrime(uint32_t n) {
  while (!IsPrime(n)) ++n;
  return n;
}

/// A name in double quotes, control characters escaped.
std::string Q(std::string_view s) { return json::Quote(s, 64); }

std::string PortsText(uint32_t first, uint32_t last) {
  return first == last ? "port " + std::to_string(first)
                       : "port range " + std::to_string(first) + "-" +
                             std::to_string(last);
}

std::string Endpoint(const IpAddr& a, std::optional<uint16_t> port) {
  std::string s = a.ToString();
  if (!port) return s;
  if (a.family == IpFamily::kV6) s = "[" + s + "]";
  return s + ":" + std::to_string(*port);
}

/// What is wrong with interface name `n` for Linux or for nft text, or "".
std::string InterfaceNameProblem(std::string_view n) {
  if (n.size() > 15) {
    return "is " + std::to_string(n.size()) +
           " bytes long; Linux allows at most 15";
  }
  if (n == "." || n == "..") return "is reserved";
  if (n.find_first_of("/: \t\n\r\v\f") != n.npos) {
    return "contains '/', ':' or whitespace";
  }
  if (std::any_of(n.begin(), n.end(),
                  [](char c) { return uint8_t(c) < 0x20 || c == 0x7f; })) {
    return "contains a control character";
  }
  // nft strings have no escape for '"'; a '*' makes a wildcard; '\\' is
  // an escape in nft's own syntax.
  if (n.find_first_of("\"*\\") != n.npos) {
    return "contains '\"', '*' or '\\', which nft cannot match literally";
  }
  if (size_t i = n.find('\xa0'); i != n.npos) {
    // The kernel's isspace() is Latin-1: 0xA0 (no-break space) counts.
    return "contains '/', ':' or whitespace (Linux counts the byte 0xA0, "
           "part of characters such as U+00E0 \"\u00e0\", as whitespace)";
  }
  return "";
}

/// True for the names lvsnft gives its ipip devices ("lvt-" and 8 hex
/// digits) and for the names whose forwarding-chain spelling is the same
/// ("lvt_"/"lvt." instead of "lvt-"): as the director's interface, such a
/// name would share a real server's forwarding chain with its tunnel.
bool IsTunnelSpelling(std::string_view n) {
  if (n.size() != 12 || !n.starts_with("lvt") ||
      std::string_view("-_.").find(n[3]) == n.npos) {
    return false;
  }
  return std::all_of(n.begin() + 4, n.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

/// One port range of one service, for overlap detection.
struct PortUse {
  const Service* svc;
  const PortRange* range;
  size_t order;  // position in the file (service-major)
};

/// Hash of an address for the VIP lookup every real server makes.
struct AddrHash {
  size_t operator()(const IpAddr& a) const {
    std::string_view b(reinterpret_cast<const char*>(a.bytes.data()),
                       a.bytes.size());
    return std::hash<std::string_view>()(b) ^ static_cast<size_t>(a.family);
  }
};

/// Runs every semantic check over one config.
class Checker {
 public:
  Checker(const Config& cfg, Diagnostics& d)
      : cfg_(cfg),
        d_(d),
        fullnat_(std::any_of(
            cfg.services.begin(), cfg.services.end(),
            [](const Service& s) { return s.mode == Mode::kFullNat; })) {}
  /// A checker of the same config that reports to `d` and looks VIPs up
  /// in `base`'s index (`base` must outlive it and be indexed).
  Checker(const Checker& base, Diagnostics& d)
      : cfg_(base.cfg_), d_(d), index_(&base), fullnat_(base.fullnat_) {}
  void Run();
  /// The checks that can fail when only the services at `at` changed.
  void RunAt(const std::vector<size_t>& at);

 private:
  void Error(const Origin& o, std::string msg) {
    d_.Error(o.loc, o.pointer, std::move(msg));
  }
  void Error(const Origin& o, std::string_view suffix, std::string msg) {
    d_.Error(o.loc, o.pointer + std::string(suffix), std::move(msg));
  }
  void CheckDirector();
  std::string InterfaceNeed() const;
  void CheckNames();
  /// Reports an unusable address or one that is a FULLNAT local address;
  /// `what` starts the message ("VIP", "real server address").
  /// True when it reported.
  bool CheckAddress(const Origin& o, const std::string& what, const IpAddr& a);
  /// CheckService of every service; a large config's second half on a
  /// second thread.
  void CheckServices();
  void CheckService(const Service& s);
  void CheckScheduler(const Service& s);
  void CheckMaglev(const Service& s);
  void CheckRealServer(const Service& s, const RealServer& rs);
  void CheckDuplicateServers(const Service& s);
  void CheckOverlaps();
  void ReportOverlap(const PortUse& a, const PortUse& b);

  const Config& cfg_;
  Diagnostics& d_;
  /// False when `a` is surely no VIP (most real servers): a bit per hash
  /// in a table small enough for the cache spares most of them a lookup
  /// in vips_, whose misses were a third of the check at 10k×10.
  bool MaybeVip(const IpAddr& a) const {
    size_t h = AddrHash()(a) % (vip_bits_.size() * 64);
    return vip_bits_[h / 64] >> (h % 64) & 1;
  }
  void IndexVips();
  /// The first service whose VIP is `a`, or null.
  const Service* VipOwner(const IpAddr& a) const;

  // First service of each VIP; hashed: looked up for every real server.
  std::unordered_map<IpAddr, const Service*, AddrHash> vips_;
  std::vector<uint64_t> vip_bits_ = std::vector<uint64_t>(4096);
  /// RunAt's VIP owners of the changed real servers (one pass, no vips_).
  std::vector<std::pair<IpAddr, const Service*>> few_vips_;
  bool use_few_ = false;
  /// The checker whose vips_ VipOwner reads (this one, or the base of a
  /// second thread's checker).
  const Checker* index_ = this;
  /// Whether some service is FULLNAT (uses the local addresses); computed
  /// once, not per address (that made checking quadratic in services).
  const bool fullnat_;
};

void Checker::IndexVips() {
  for (const auto& s : cfg_.services) {
    vips_.emplace(s.vip, &s);
    size_t h = AddrHash()(s.vip) % (vip_bits_.size() * 64);
    vip_bits_[h / 64] |= uint64_t{1} << (h % 64);
  }
}

const Service* Checker::VipOwner(const IpAddr& a) const {
  if (index_ != this) return index_->VipOwner(a);
  if (use_few_) {
    for (const auto& [addr, owner] : few_vips_)
      if (addr == a) return owner;
    return nullptr;
  }
  auto it = MaybeVip(a) ? vips_.find(a) : vips_.end();
  return it == vips_.end() ? nullptr : it->second;
}

void Checker::Run() {
  IndexVips();
  CheckDirector();
  CheckNames();
  CheckServices();
  CheckOverlaps();
}

void Checker::CheckServices() {
  // From this size the per-service checks (most of CheckConfig) are worth
  // a thread (~0.1 ms to start) several times over.
  constexpr size_t kSplitServices = 2000;
  const auto& all = cfg_.services;
  size_t half = all.size() < kSplitServices ? all.size() : all.size() / 2;
  // The second half reports to its own diagnostics, appended after the
  // first half's: the order one pass over the services gives.
  Diagnostics back(d_.file());
  std::optional<SideWork> second;
  if (half < all.size()) {
    second.emplace([this, &all, half, &back] {
      Checker other(*this, back);
      for (size_t i = half; i < all.size(); ++i) other.CheckService(all[i]);
    });
  }
  for (size_t i = 0; i < half; ++i) CheckService(all[i]);
  if (!second) return;
  second->Join();
  d_.Append(back);
}

void Checker::RunAt(const std::vector<size_t>& at) {
  for (size_t i : at)
    for (const auto& rs : cfg_.services[i].real_servers)
      few_vips_.emplace_back(rs.address, nullptr);
  use_few_ = few_vips_.size() <= 64;
  if (!use_few_) {
    IndexVips();
  } else {
    for (const auto& s : cfg_.services)  // the first owner, as vips_ keeps
      for (auto& [addr, owner] : few_vips_)
        if (!owner && addr == s.vip) owner = &s;
  }
  // Names, VIPs, protocols and ports are the checked config's: no new
  // duplicate or overlap, and no other service's real server met a VIP.
  CheckDirector();
  for (size_t i : at) CheckService(cfg_.services[i]);
}

/// Why the config needs director.interface, or "" when it does not.
std::string Checker::InterfaceNeed() const {
  for (const auto& s : cfg_.services) {
    if (IsStatelessMode(s.mode)) {
      return "service " + Q(s.name) + " uses " + ModeName(s.mode) +
             " mode, which forwards at the ingress of that interface";
    }
  }
  if (cfg_.director.manage_vips && !cfg_.services.empty()) {
    return "lvsnft adds the VIPs to it (set \"manage_vips\": false when "
           "keepalived or another VRRP daemon owns the VIPs)";
  }
  return "";
}

void Checker::CheckDirector() {
  const Director& dir = cfg_.director;
  const std::string& ifname = dir.interface;
  const Origin& o = dir.interface_origin;
  bool given = o.pointer.ends_with("/interface");
  if (ifname.empty()) {
    std::string why = InterfaceNeed();
    if (given) {
      Error(o, "interface name is empty" + (why.empty() ? "" : ": " + why));
    } else if (!why.empty()) {
      Error(o, "director.interface is required: " + why);
    }
    return;
  }
  if (std::string bad = InterfaceNameProblem(ifname); !bad.empty()) {
    Error(o, "interface name " + Q(ifname) + " " + bad);
  } else if (IsTunnelSpelling(ifname)) {
    Error(o, "interface name " + Q(ifname) +
                 " is reserved: lvsnft names its ipip devices lvt- and 8 hex "
                 "digits, and lvt_ or lvt. spell the same nft chain names");
  }
  auto stateless =
      std::find_if(cfg_.services.begin(), cfg_.services.end(),
                   [](const Service& s) { return IsStatelessMode(s.mode); });
  if (ifname == "lo" && stateless != cfg_.services.end()) {
    Error(o,
          "interface \"lo\" is loopback, which never receives client "
          "packets: service " +
              Q(stateless->name) + " uses " + ModeName(stateless->mode) +
              " mode, which forwards at the ingress of that interface");
  }
}

bool Checker::CheckAddress(const Origin& o, const std::string& what,
                           const IpAddr& a) {
  if (std::string why = UnusableReason(a); !why.empty()) {
    Error(o, what + " " + a.ToString() + " is not usable: " + why);
    return true;
  }
  // Local addresses are used only by FULLNAT services (source NAT); a
  // config without one may name the director's own address as a DR VIP.
  if (!fullnat_) return false;
  const auto& locals = cfg_.director.local_addresses;
  auto it = std::find(locals.begin(), locals.end(), a);
  if (it == locals.end()) return false;
  // The parser keeps every local address, so the index is the pointer's.
  std::string at =
      "/director/local_addresses/" + std::to_string(it - locals.begin());
  Error(o, what + " " + a.ToString() + " is also a FULLNAT local address (" +
               at + ")");
  return true;
}

void Checker::CheckNames() {
  // Hashed: at 10k services the ordered map's string compares showed in
  // the profile of the check.
  std::unordered_map<std::string_view, const Service*> seen;
  seen.reserve(cfg_.services.size());
  for (const auto& s : cfg_.services) {
    if (!IsSafeName(s.name)) {
      std::string fixed = s.name;
      std::replace(fixed.begin(), fixed.end(), '-', '_');
      std::string msg = "service name " + Q(s.name) +
                        " is not a safe identifier: use letters, digits and "
                        "'_', start with a letter, at most 48 characters";
      if (IsSafeName(fixed)) msg += " (try " + Q(fixed) + ")";
      Error(s.name_origin, msg);
      continue;
    }
    auto [it, fresh] = seen.emplace(s.name, &s);
    if (!fresh) {
      Error(s.name_origin, "duplicate service name " + Q(s.name) +
                               " (first used at " +
                               it->second->name_origin.pointer + ")");
    }
  }
}

void Checker::CheckService(const Service& s) {
  CheckAddress(s.vip_origin, "VIP", s.vip);
  if (s.mode == Mode::kTun && s.vip.family == IpFamily::kV6) {
    Error(s.vip_origin, "tun mode supports IPv4 only (the VIP " +
                            s.vip.ToString() + " is IPv6)");
  }
  if (s.ports.empty()) Error(s.origin, "/ports", "ports must not be empty");
  CheckScheduler(s);
  if (s.persistence && IsStatelessMode(s.mode) &&
      cfg_.director.flow_table_size == 0) {
    Error(s.persistence->origin,
          std::string("persistence cannot be honoured without the per-flow "
                      "table (director.flow_table_size is 0): ") +
              ModeName(s.mode) +
              " mode has no connection tracking; raise flow_table_size or "
              "use the sh scheduler for source affinity");
  }
  for (const auto& rs : s.real_servers) CheckRealServer(s, rs);
  CheckDuplicateServers(s);
  CheckHealth(s, d_);
}

void Checker::CheckScheduler(const Service& s) {
  if (IsStatelessMode(s.mode) && !IsHashScheduler(s.scheduler)) {
    Error(s.scheduler_origin,
          "scheduler " + Q(SchedulerName(s.scheduler)) + " cannot be used in " +
              ModeName(s.mode) + " mode: " + ModeName(s.mode) +
              " forwards at ingress without connection tracking, so every "
              "packet must pick the same server by hash; use sh, dh or mh");
  }
  if (s.scheduler == Scheduler::kMh) CheckMaglev(s);
}

void Checker::CheckMaglev(const Service& s) {
  const Origin& o = s.mh_table_size_origin;
  uint32_t m = s.mh_table_size;
  std::string what = "mh_table_size " + std::to_string(m);
  if (m < 3 || m > 131071) {
    Error(o, what + " is out of range 3..131071");
  } else if (!IsPrime(m)) {
    Error(o, what + " is not a prime number (next prime: " +
                 std::to_string(NextPrime(m)) + ")");
  } else if (m < s.real_servers.size()) {
    Error(o, what + " is smaller than the number of real servers (" +
                 std::to_string(s.real_servers.size()) + ")");
  }
}

void Checker::CheckRealServer(const Service& s, const RealServer& rs) {
  const IpAddr& a = rs.address;
  if (CheckAddress(rs.address_origin, "real server address", a)) {
    // Unusable or a local address: the checks below would only add noise.
  } else if (a.family != s.vip.family) {
    Error(rs.address_origin, "real server " + a.ToString() + " is " +
                                 FamilyName(a.family) + " but the VIP " +
                                 s.vip.ToString() + " is " +
                                 FamilyName(s.vip.family));
  } else if (const Service* owner = VipOwner(a)) {
    Error(rs.address_origin, "real server address " + a.ToString() +
                                 " is the VIP of service " + Q(owner->name) +
                                 " (" + owner->vip_origin.pointer + ")");
  }
  bool one_port = s.ports.size() == 1 && s.ports[0].single();
  if (IsStatelessMode(s.mode) && rs.port &&
      !(one_port && *rs.port == s.ports[0].first)) {
    std::string fix = one_port ? "remove \"port\" or set it to " +
                                     std::to_string(s.ports[0].first)
                               : "remove \"port\"";
    Error(rs.port_origin,
          std::string("port mapping is not possible in ") + ModeName(s.mode) +
              " mode: the packet is forwarded unchanged (" + fix + ")");
  }
  if (rs.weight > 65535) {
    Error(rs.origin, "/weight",
          "weight " + std::to_string(rs.weight) + " is out of range 0..65535");
  }
}

void Checker::CheckDuplicateServers(const Service& s) {
  bool one_port = s.ports.size() == 1 && s.ports[0].single();
  // An absent port means "the VIP port"; with a single VIP port that is
  // the same server as one naming that port explicitly.
  auto port_of = [&](const RealServer& rs) {
    return rs.port ? *rs.port : one_port ? s.ports[0].first : -1;
  };
  // Most services have a few servers: a scan of the earlier ones
  // allocates nothing (a map per service did, for every service); large
  // ones still take the map.
  const auto& all = s.real_servers;
  bool few = all.size() <= 32;
  std::map<std::pair<IpAddr, int>, const RealServer*> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    int port = port_of(all[i]);
    const RealServer* first = nullptr;
    for (size_t k = 0; few && k < i && !first; ++k)
      if (all[k].address == all[i].address && port_of(all[k]) == port)
        first = &all[k];
    if (!few) {
      auto [it, fresh] = seen.emplace(std::pair{all[i].address, port}, &all[i]);
      if (!fresh) first = it->second;
    }
    if (!first) continue;
    std::optional<uint16_t> shown;
    if (port >= 0) shown = static_cast<uint16_t>(port);
    Error(all[i].address_origin,
          "duplicate real server " + Endpoint(all[i].address, shown) +
              " (first at " + first->origin.pointer + ")");
  }
}

void Checker::CheckOverlaps() {
  // Group the port ranges by VIP and protocol, then sweep each group in
  // port order: a range starting at or before the highest end seen so far
  // overlaps the range that reached that end.
  std::map<std::pair<IpAddr, Proto>, std::vector<PortUse>> groups;
  size_t order = 0;
  for (const auto& s : cfg_.services) {
    for (const auto& r : s.ports) {
      groups[{s.vip, s.protocol}].push_back({&s, &r, order++});
    }
  }
  for (auto& [key, uses] : groups) {
    std::sort(uses.begin(), uses.end(), [](const auto& a, const auto& b) {
      return std::tie(a.range->first, a.order) <
             std::tie(b.range->first, b.order);
    });
    const PortUse* reach = nullptr;  // the range with the highest end
    for (const auto& u : uses) {
      if (reach && u.range->first <= reach->range->last) {
        ReportOverlap(*reach, u);
      }
      if (!reach || u.range->last > reach->range->last) reach = &u;
    }
  }
}

void Checker::ReportOverlap(const PortUse& a, const PortUse& b) {
  // Report at whichever of the two comes later in the file.
  const PortUse& later = a.order > b.order ? a : b;
  const PortUse& earlier = a.order > b.order ? b : a;
  uint32_t lo = std::max(a.range->first, b.range->first);
  uint32_t hi = std::min(a.range->last, b.range->last);
  std::string both = lo == hi ? std::to_string(lo)
                              : std::to_string(lo) + "-" + std::to_string(hi);
  const Service& s = *later.svc;
  std::string where = later.svc == earlier.svc
                          ? "listed before"
                          : "of service " + Q(earlier.svc->name);
  Error(later.range->origin,
        PortsText(later.range->first, later.range->last) + " overlaps " +
            PortsText(earlier.range->first, earlier.range->last) + " " + where +
            " (" + earlier.range->origin.pointer + "): " + s.vip.ToString() +
            " " + ProtoName(s.protocol) + " " +
            (lo == hi ? "port " : "ports ") + both + " would be served twice");
}

}  // namespace

void CheckConfig(const Config& cfg, Diagnostics& diags) {
  Checker(cfg, diags).Run();
}

void CheckConfigAt(const Config& cfg, const std::vector<size_t>& at,
                   Diagnostics& diags) {
  Checker(cfg, diags).RunAt(at);
}

}  // namespace lvsnft
