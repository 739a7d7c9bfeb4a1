#include "daemon/overrides.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"

namespace lvsnft::daemon {
namespace {

constexpr const char* kKind = "daemon-overrides";
constexpr int kVersion = 1;

bool SameTarget(const Override& a, const Override& b) {
  return a.service == b.service && a.address == b.address && a.port == b.port;
}

std::optional<RsState> StateByName(const std::string& s) {
  for (RsState st : {RsState::kUp, RsState::kDrain, RsState::kDown})
    if (s == RsStateName(st)) return st;
  return std::nullopt;
}

std::optional<uint16_t> ParsePort(const std::string& s) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(v);
}

}  // namespace

std::string ServerRef(const IpAddr& a, std::optional<uint16_t> port) {
  if (!port) return a.ToString();
  if (a.family == IpFamily::kV6)
    return "[" + a.ToString() + "]:" + std::to_string(*port);
  return a.ToString() + ":" + std::to_string(*port);
}

std::string Override::Target() const {
  return service + " " + ServerRef(address, port);
}

Result<std::pair<IpAddr, std::optional<uint16_t>>> ParseServerRef(
    const std::string& text) {
  std::string addr = text, port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find("]:");
    if (close == std::string::npos)
      return Status::Error("bad server \"" + text + "\": expected [ADDR]:PORT");
    addr = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    addr = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  auto ip = IpAddr::Parse(addr);
  if (!ip)
    return Status::Error("bad server \"" + text + "\": not an IP address");
  std::optional<uint16_t> p;
  if (!port.empty() || text.back() == ':') {
    p = ParsePort(port);
    if (!p)
      return Status::Error("bad server \"" + text +
                           "\": port must be 1..65535");
  }
  return std::make_pair(*ip, p);
}

bool Matches(const Override& o, const Service& svc, const RealServer& rs) {
  if (o.service != svc.name || !(o.address == rs.address)) return false;
  return !o.port || rs.port == o.port;
}

Status Overrides::Set(const Config& cfg, const Override& o) {
  // One name compare per service, and none after the target is found.
  auto svc = std::find_if(
      cfg.services.begin(), cfg.services.end(), [&](const Service& s) {
        return s.name == o.service &&
               std::any_of(
                   s.real_servers.begin(), s.real_servers.end(),
                   [&](const RealServer& rs) { return Matches(o, s, rs); });
      });
  if (svc == cfg.services.end()) {
    bool svc_known =
        std::any_of(cfg.services.begin(), cfg.services.end(),
                    [&](const Service& s) { return s.name == o.service; });
    if (!svc_known) return Status::Error("no service \"" + o.service + "\"");
    return Status::Error("service \"" + o.service + "\" has no real server " +
                         ServerRef(o.address, o.port));
  }
  for (auto& cur : items_) {
    if (!SameTarget(cur, o)) continue;
    if (o.weight) cur.weight = o.weight;
    if (o.state) cur.state = o.state;
    return Status();
  }
  items_.push_back(o);
  return Status();
}

bool Overrides::Clear(const std::string& service, const IpAddr& a,
                      std::optional<uint16_t> port) {
  Override key{service, a, port, {}, {}};
  auto it = std::remove_if(items_.begin(), items_.end(),
                           [&](const auto& o) { return SameTarget(o, key); });
  bool removed = it != items_.end();
  items_.erase(it, items_.end());
  return removed;
}

size_t Overrides::ClearAll() {
  size_t n = items_.size();
  items_.clear();
  return n;
}

namespace {

// Applies `o` to the servers of `svc` it names; false when none.
bool ApplyOne(const Override& o, Service& svc) {
  bool used = false;
  for (auto& rs : svc.real_servers) {
    if (!Matches(o, svc, rs)) continue;
    if (o.weight) rs.weight = *o.weight;
    if (o.state) rs.state = *o.state;
    used = true;
  }
  return used;
}

}  // namespace

void Overrides::ApplyTo(Config& cfg,
                        std::vector<std::string>* unmatched) const {
  for (const auto& o : items_) {
    bool used = false;
    for (auto& svc : cfg.services) used = ApplyOne(o, svc) || used;
    if (!used && unmatched) unmatched->push_back(o.Target());
  }
}

void Overrides::ApplyToService(Service& svc,
                               std::vector<std::string>* unmatched) const {
  for (const auto& o : items_) {
    if (o.service != svc.name) continue;
    if (!ApplyOne(o, svc) && unmatched) unmatched->push_back(o.Target());
  }
}

std::string Overrides::ToJson() const {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& o : items_) {
    nlohmann::ordered_json j;
    j["service"] = o.service;
    j["server"] = ServerRef(o.address, o.port);
    if (o.weight) j["weight"] = *o.weight;
    if (o.state) j["state"] = RsStateName(*o.state);
    arr.push_back(j);
  }
  return arr.dump();
}

Result<Overrides> Overrides::FromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::Error("overrides: not a JSON array");
  Overrides out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.value("service", nlohmann::json()).is_string() ||
        !e.value("server", nlohmann::json()).is_string())
      return Status::Error("overrides: entry without service and server");
    auto ref = ParseServerRef(e["server"].get<std::string>());
    if (!ref.ok()) return Status::Error("overrides: " + ref.status().message());
    Override o{
        e["service"].get<std::string>(), ref->first, ref->second, {}, {}};
    if (e.contains("weight") && e["weight"].is_number_unsigned())
      o.weight = e["weight"].get<uint32_t>();
    if (e.contains("state") && e["state"].is_string())
      o.state = StateByName(e["state"].get<std::string>());
    out.items_.push_back(o);
  }
  return out;
}

Result<Overrides> Overrides::Load(const std::string& path) {
  SealedRead r = ReadSealedFile(path, kKind, kVersion);
  if (!r.rejected.empty()) return Status::Error(path + ": " + r.rejected);
  if (!r.payload) return Overrides();
  auto o = FromJson(*r.payload);
  if (!o.ok()) return Status::Error(path + ": " + o.status().message());
  return o;
}

Status Overrides::Save(const std::string& path) const {
  return WriteSealedFile(path, kKind, kVersion, ToJson());
}

}  // namespace lvsnft::daemon
