// TEMPORARY (h-host branch only): drop this file when merging the real parser
// (LoadConfig, ModeName). A minimal config v1 reader so that `lvsnft rs-setup`
// links and its kernel tests run before the real parser lands: it reads only
// the fields rs-setup uses and does none of the checks of CheckConfig.
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/parse.h"

namespace lvsnft {
namespace {

using nlohmann::json;

std::optional<Mode> ModeFrom(const std::string& s) {
  if (s == "nat") return Mode::kNat;
  if (s == "dr") return Mode::kDr;
  if (s == "tun") return Mode::kTun;
  if (s == "fullnat") return Mode::kFullNat;
  return std::nullopt;
}

std::optional<RsState> StateFrom(const std::string& s) {
  if (s == "up") return RsState::kUp;
  if (s == "drain") return RsState::kDrain;
  if (s == "down") return RsState::kDown;
  return std::nullopt;
}

bool Addr(const json& j, const std::string& ptr, IpAddr& out,
          Diagnostics& diags) {
  auto a = j.is_string() ? IpAddr::Parse(j.get<std::string>()) : std::nullopt;
  if (!a) diags.Error({}, ptr, "invalid address");
  if (a) out = *a;
  return a.has_value();
}

void ReadService(const json& js, const std::string& ptr, Config& cfg,
                 Diagnostics& diags) {
  Service s;
  s.name = js.value("name", "");
  Addr(js.value("vip", json()), ptr + "/vip", s.vip, diags);
  auto mode = ModeFrom(js.value("mode", "nat"));
  if (!mode) diags.Error({}, ptr + "/mode", "unknown mode");
  s.mode = mode.value_or(Mode::kNat);
  const json rss = js.value("real_servers", json::array());
  for (size_t i = 0; i < rss.size(); ++i) {
    std::string rp = ptr + "/real_servers/" + std::to_string(i);
    RealServer rs;
    Addr(rss[i].value("address", json()), rp + "/address", rs.address, diags);
    auto st = StateFrom(rss[i].value("state", "up"));
    if (!st) diags.Error({}, rp + "/state", "unknown state");
    rs.state = st.value_or(RsState::kUp);
    if (rss[i].contains("port")) rs.port = rss[i]["port"].get<uint16_t>();
    s.real_servers.push_back(rs);
  }
  cfg.services.push_back(s);
}

}  // namespace

std::optional<Config> ParseConfig(std::string_view text, Diagnostics& diags) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    diags.Error({}, "", "invalid JSON");
    return std::nullopt;
  }
  Config cfg;
  cfg.version = j.value("version", 1);
  const json dir = j.value("director", json::object());
  cfg.director.interface = dir.value("interface", "");
  const json locals = dir.value("local_addresses", json::array());
  for (size_t i = 0; i < locals.size(); ++i) {
    IpAddr a;
    std::string p = "/director/local_addresses/" + std::to_string(i);
    if (Addr(locals[i], p, a, diags)) cfg.director.local_addresses.push_back(a);
  }
  try {
    const json svcs = j.value("services", json::array());
    for (size_t i = 0; i < svcs.size(); ++i) {
      ReadService(svcs[i], "/services/" + std::to_string(i), cfg, diags);
    }
  } catch (const json::exception& e) {
    diags.Error({}, "/services", e.what());
  }
  if (diags.HasErrors()) return std::nullopt;
  return cfg;
}

std::optional<Config> LoadConfig(std::string_view text, Diagnostics& diags) {
  return ParseConfig(text, diags);
}

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kNat:
      return "nat";
    case Mode::kDr:
      return "dr";
    case Mode::kTun:
      return "tun";
    case Mode::kFullNat:
      return "fullnat";
  }
  return "?";
}

}  // namespace lvsnft
