#include "config/parse.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "config/check.h"
#include "config/config_names.h"
#include "config/config_parser.h"
#include "config/json.h"
#include "config/parse_split.h"
#include "config/service_stream.h"
#include "config/suggest.h"
#include "config/warn.h"

namespace lvsnft {
namespace parse_detail {

using json::Type;
using json::Value;

namespace {

std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string Hint(std::string_view word, std::span<const std::string_view> k) {
  if (auto best = ClosestName(word, k)) {
    return "(did you mean " + json::Quote(*best) + "?)";
  }
  return "(expected " + JoinNames(k) + ")";
}

bool ConfigParser::Is(const Value& v, Type t, const char* what) {
  if (v.type == t) return true;
  Error(v, std::string("expected ") + (what ? what : json::TypeName(t)) +
               ", got " + json::ValueText(v));
  return false;
}

/// Checks that `v` is an object whose keys all belong to `kind`.
bool ConfigParser::Object(const Value& v, std::string_view kind) {
  if (!Is(v, Type::kObject)) return false;
  std::span<const std::string_view> keys;
  for (const auto& t : names::kKeyTables) {
    if (json::SameKey(t.kind, kind)) keys = t.keys;
  }
  for (const auto& m : v.members()) {
    auto same = [&m](std::string_view k) { return json::SameKey(k, m.key); };
    if (std::any_of(keys.begin(), keys.end(), same)) continue;
    d_.Error(m.key_loc, OriginOf(m.value).pointer.str(),
             "unknown key " + json::Quote(m.key) + " " + Hint(m.key, keys));
  }
  // Every object may carry a "comment" (a string, otherwise ignored).
  std::string comment;
  GetString(v.Find("comment"), comment);
  return true;
}

const Value* ConfigParser::Require(const Value& obj, std::string_view key) {
  const Value* v = obj.Find(key);
  if (!v) Error(obj, "missing required key " + json::Quote(key));
  return v;
}

bool ConfigParser::Int(const Value& v, int64_t lo, int64_t hi, int64_t& out) {
  if (v.type != Type::kNumber || !v.integral) {
    Error(v, "expected an integer, got " + json::ValueText(v));
    return false;
  }
  auto n = v.integer();
  if (!n || *n < lo || *n > hi) {
    Error(v, std::string(v.text.substr(0, 40)) + " is out of range " +
                 std::to_string(lo) + ".." + std::to_string(hi));
    return false;
  }
  out = *n;
  return true;
}

void ConfigParser::GetBool(const Value& obj, std::string_view key, bool& out) {
  if (const Value* v = obj.Find(key); v && Is(*v, Type::kBool)) {
    out = v->boolean;
  }
}

bool ConfigParser::GetString(const Value* v, std::string& out) {
  if (!v || !Is(*v, Type::kString)) return false;
  if (v->text.find('\0') != std::string::npos) {
    // C APIs (inet_pton, netlink attributes) would stop at the NUL.
    Error(*v, "string " + json::Quote(v->text) +
                  " holds a NUL character (U+0000), which no config string "
                  "may contain");
    return false;
  }
  out = v->text;
  return true;
}

bool ConfigParser::Address(const Value* v, IpAddr& out) {
  std::string text;
  if (!GetString(v, text)) return false;
  if (auto a = IpAddr::Parse(text)) {
    out = *a;
    return true;
  }
  std::string msg = "invalid IP address " + json::Quote(text);
  if (text.find('/') != std::string::npos) {
    msg += ": write the address without a prefix length";
  } else {
    msg += ": expected dotted-quad IPv4 or IPv6";
  }
  Error(*v, msg);
  return false;
}

void ConfigParser::ParseRoot(const Value& root, Config& cfg,
                             const Diagnostics* streamed) {
  if (!Object(root, "config")) return;
  std::string schema;  // "$schema" is for editors; only its type matters.
  GetString(root.Find("$schema"), schema);
  cfg.director.origin = cfg.director.interface_origin =
      cfg.director.flow_table_size_origin = OriginOf(root);
  if (const Value* v = Require(root, "version")) {
    int64_t n = 0;
    if (Int(*v, INT64_MIN, INT64_MAX, n) && n != 1) {
      Error(*v, "unsupported config version " + std::string(v->text) +
                    ": this lvsnft reads version 1");
    }
  }
  if (const Value* v = root.Find("director")) ParseDirector(*v, cfg.director);
  const Value* list = Require(root, "services");
  if (!list || !Is(*list, Type::kArray)) return;
  if (streamed) {
    // The entries were parsed as the reader met them (ServiceStream): their
    // problems take the place the loop below would have given them.
    for (const Diagnostic& e : streamed->items()) {
      d_.Error(e.loc, e.pointer, e.message);
    }
    return;
  }
  cfg.services.reserve(list->items().size());
  for (const Value& item : list->items()) {
    ParseService(item, cfg.services.emplace_back());
  }
}

void ConfigParser::ParseServiceAt(const Value& v, const JsonPointer& at,
                                  Service& s) {
  base_ = at;
  ParseService(v, s);
  base_ = {};
}

void ConfigParser::ParseDirector(const Value& v, Director& dir) {
  if (!Object(v, "director")) return;
  dir.origin = dir.interface_origin = dir.flow_table_size_origin = OriginOf(v);
  if (const Value* i = v.Find("interface"); GetString(i, dir.interface)) {
    dir.interface_origin = OriginOf(*i);
  }
  if (const Value* l = v.Find("local_addresses");
      l && Is(*l, Type::kArray, "an array of IP addresses")) {
    for (const Value& a : l->items()) {
      IpAddr addr;
      if (!Address(&a, addr)) continue;
      if (std::string why = UnusableReason(addr); !why.empty()) {
        Error(a, "local address " + addr.ToString() + " is not usable: " + why);
      } else if (std::find(dir.local_addresses.begin(),
                           dir.local_addresses.end(),
                           addr) != dir.local_addresses.end()) {
        Error(a, "duplicate local address " + addr.ToString());
      }
      dir.local_addresses.push_back(addr);
      dir.local_address_origins.push_back(OriginOf(a));
    }
  }
  GetBool(v, "manage_vips", dir.manage_vips);
  GetInt(v, "flow_timeout", 1, 86400, dir.flow_timeout_s);
  if (const Value* f = v.Find("flow_table_size")) {
    dir.flow_table_size_origin = OriginOf(*f);
    GetInt(v, "flow_table_size", 0, 16777216, dir.flow_table_size);
  }
}

void ConfigParser::ParseService(const Value& v, Service& s) {
  if (!Object(v, "service")) return;
  s.origin = s.name_origin = s.vip_origin = s.mode_origin = s.scheduler_origin =
      s.mh_table_size_origin = OriginOf(v);
  if (const Value* n = Require(v, "name"); GetString(n, s.name)) {
    s.name_origin = OriginOf(*n);
  }
  bool vip_ok = false;
  if (const Value* a = Require(v, "vip")) {
    s.vip_origin = OriginOf(*a);
    vip_ok = Address(a, s.vip);
  }
  GetEnum(v, "protocol", names::kProtocols, s.protocol);
  if (const Value* p = Require(v, "ports")) ParsePorts(*p, s.ports);
  GetEnum(v, "mode", names::kModes, s.mode, &s.mode_origin);
  ParseScheduler(v, s);
  if (const Value* p = v.Find("persistence")) {
    ParsePersistence(*p, vip_ok ? &s.vip : nullptr, s.persistence.emplace());
  }
  if (const Value* l = v.Find("real_servers");
      l && Is(*l, Type::kArray, "an array of real servers")) {
    s.real_servers.reserve(l->items().size());
    for (const Value& item : l->items()) {
      ParseRealServer(item, s.real_servers.emplace_back());
    }
  }
  ParseHealthPolicy(v, s);
}

void ConfigParser::ParseScheduler(const Value& v, Service& s) {
  s.scheduler = IsStatelessMode(s.mode) ? Scheduler::kMh : Scheduler::kWrr;
  if (v.Find("scheduler")) {
    s.scheduler_given = true;
    GetEnum(v, "scheduler", names::kSchedulers, s.scheduler,
            &s.scheduler_origin);
  }
  if (const Value* m = v.Find("mh_table_size")) {
    s.mh_table_size_origin = OriginOf(*m);
    GetInt(v, "mh_table_size", 0, UINT32_MAX, s.mh_table_size);
  }
  GetBool(v, "mh_port", s.mh_port);
  for (const char* key : {"mh_table_size", "mh_port"}) {
    const Value* m = v.Find(key);
    if (m && s.scheduler != Scheduler::kMh) {
      Error(*m, std::string(key) + " applies only to the mh scheduler (this " +
                    "service uses " + SchedulerName(s.scheduler) + ")");
    }
  }
}

void ConfigParser::ParsePorts(const Value& v, std::vector<PortRange>& out) {
  if (v.type != Type::kArray) {
    if (PortRange r; ParsePortItem(v, r)) out.push_back(r);
    return;
  }
  if (v.items().empty()) Error(v, "ports must list at least one port");
  for (const Value& item : v.items()) {
    if (PortRange r; ParsePortItem(item, r)) out.push_back(r);
  }
}

bool ConfigParser::ParsePortItem(const Value& v, PortRange& out) {
  out.origin = OriginOf(v);
  if (std::string text; v.type == Type::kString) {
    return GetString(&v, text) && ParsePortText(v, out);
  }
  if (!Is(v, Type::kNumber, "a port number or a \"FIRST-LAST\" string")) {
    return false;
  }
  int64_t n = 0;
  if (!Int(v, 1, 65535, n)) return false;
  out.first = out.last = static_cast<uint16_t>(n);
  return true;
}

bool ConfigParser::ParsePortText(const Value& v, PortRange& out) {
  uint32_t nums[2] = {0, 0};
  if (!RangeText(v, "port", "PORT", 1, 65535, nums)) return false;
  out.first = static_cast<uint16_t>(nums[0]);
  out.last = static_cast<uint16_t>(nums[1]);
  return true;
}

bool ConfigParser::RangeText(const Value& v, std::string_view what,
                             std::string_view one, uint32_t lo, uint32_t hi,
                             uint32_t (&nums)[2]) {
  std::string_view t = v.text;
  std::string kind(what);
  size_t dash = t.find('-');
  std::string_view parts[2] = {t.substr(0, dash),
                               dash == t.npos ? t : t.substr(dash + 1)};
  for (int i = 0; i < 2; ++i) {
    auto p = parts[i];
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), nums[i]);
    bool digits_only = !p.empty() && p.size() <= 5 && p[0] != '+' &&
                       p[0] != '-' && end == p.data() + p.size();
    if (ec != std::errc() || !digits_only) {
      Error(v, "invalid " + kind + " range " + json::Quote(t) +
                   ": expected \"" + std::string(one) + "\" or \"FIRST-LAST\"");
      return false;
    }
    if (nums[i] < lo || nums[i] > hi) {
      Error(v, kind + " " + std::to_string(nums[i]) + " in " + json::Quote(t) +
                   " is out of range " + std::to_string(lo) + ".." +
                   std::to_string(hi));
      return false;
    }
  }
  if (nums[0] > nums[1]) {
    Error(v, "invalid " + kind + " range " + json::Quote(t) + ": " +
                 std::to_string(nums[0]) + " is greater than " +
                 std::to_string(nums[1]));
    return false;
  }
  return true;
}

void ConfigParser::ParsePersistence(const Value& v, const IpAddr* vip,
                                    Persistence& p) {
  p.origin = OriginOf(v);
  if (!Object(v, "persistence")) return;
  GetInt(v, "timeout", 1, 86400, p.timeout_s);
  const Value* m = v.Find("netmask");
  int64_t bits = 0;
  if (!m || !Int(*m, 0, 128, bits)) return;
  p.netmask = static_cast<int>(bits);
  if (vip && bits > vip->bits()) {
    Error(*m, "netmask /" + std::to_string(bits) + " is longer than an " +
                  FamilyName(vip->family) + " address (at most /" +
                  std::to_string(vip->bits()) + ")");
  }
}

void ConfigParser::ParseTarget(const Value& v, const Origin& at,
                               IpAddr& address, Origin& address_origin,
                               std::optional<uint16_t>& port,
                               Origin& port_origin) {
  address_origin = port_origin = at;
  if (const Value* a = Require(v, "address")) {
    address_origin = OriginIn(at, *a);
    Address(a, address);
  }
  if (const Value* p = v.Find("port")) {
    port_origin = OriginIn(at, *p);
    int64_t n = 0;
    if (Int(*p, 1, 65535, n)) port = static_cast<uint16_t>(n);
  }
}

void ConfigParser::ParseRealServer(const Value& v, RealServer& rs) {
  if (!Object(v, "real_server")) return;
  rs.origin = OriginOf(v);
  ParseTarget(v, rs.origin, rs.address, rs.address_origin, rs.port,
              rs.port_origin);
  GetInt(v, "weight", 0, 65535, rs.weight);
  GetEnum(v, "state", names::kRsStates, rs.state);
  if (const Value* h = v.Find("health_check")) {
    ParseHealthCheck(*h, rs.health_check.emplace());
  }
}

}  // namespace parse_detail

namespace {

/// Parses `text` into `cfg`; false when it is not JSON at all.
bool ParseInto(std::string_view text, Diagnostics& diags, Config& cfg) {
  if (parse_detail::ParseSplit(text, diags.file(), cfg)) return true;
  cfg = Config{};
  parse_detail::ServiceStream stream(cfg, diags.file());
  auto doc = json::Parse(text, diags, json::kDefaultLimits, &stream);
  if (!doc) return false;
  parse_detail::ConfigParser(diags).ParseRoot(doc->root(), cfg,
                                              &stream.diags());
  return true;
}

}  // namespace

std::optional<Config> ParseConfig(std::string_view text, Diagnostics& diags) {
  size_t before = diags.items().size();
  Config cfg;
  if (!ParseInto(text, diags, cfg)) return std::nullopt;
  if (diags.items().size() != before) return std::nullopt;
  return cfg;
}

std::optional<Config> LoadConfig(std::string_view text, Diagnostics& diags) {
  size_t before = diags.items().size();
  Config cfg;
  if (!ParseInto(text, diags, cfg)) return std::nullopt;
  if (diags.items().size() != before) {
    // Every problem in one run: check what did parse, too.
    CheckParsedParts(cfg, diags, before);
    return std::nullopt;
  }
  CheckConfig(cfg, diags);
  if (diags.items().size() != before) return std::nullopt;
  WarnConfig(cfg, diags);
  return cfg;
}

}  // namespace lvsnft
