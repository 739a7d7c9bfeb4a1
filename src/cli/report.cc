#include "cli/report.h"

#include <map>
#include <nlohmann/json.hpp>

#include "director/status.h"

namespace lvsnft::cli {

namespace {

std::string ConfigLine(const ConfigChange& c) {
  std::string s = std::string(ChangeSign(c.kind)) + " ";
  if (!c.real_server.empty()) s += c.real_server + " ";
  if (c.kind == ConfigChange::Kind::kChanged) {
    return s + c.field + " " + c.before + " -> " + c.after;
  }
  if (c.real_server.empty()) s += "service ";
  return s + (c.kind == ConfigChange::Kind::kAdded ? c.after : c.before);
}

}  // namespace

std::string ReportText(const netlink::DirectorReport& r,
                       const std::vector<ConfigChange>& config_changes) {
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& c : config_changes) {
    groups[c.service].push_back("config  " + ConfigLine(c));
  }
  for (const auto& l : r.lines) {
    groups[l.service].push_back(std::string(l.host ? "host    " : "nft     ") +
                                l.sign + " " + l.what);
  }
  std::string out;
  for (const auto& [svc, lines] : groups) {
    out += svc.empty() ? "director:\n" : "service " + svc + ":\n";
    for (const auto& l : lines) out += "  " + l + "\n";
  }
  return out;
}

std::string ReportSummary(const netlink::DirectorReport& r) {
  netlink::ReportCounts n = r.counts ? *r.counts : netlink::CountLines(r.lines);
  std::string out;
  if (n.director_nft + n.director_host > 0) {
    out += "director: " + std::to_string(n.director_nft) + " nftables, " +
           std::to_string(n.director_host) + " host changes\n";
  }
  out +=
      std::to_string(n.services) + " service" + (n.services == 1 ? "" : "s") +
      " changed (lvsnft apply --verbose or lvsnft diff lists every change)\n";
  return out;
}

std::string ReportJson(const netlink::DirectorReport& r,
                       const std::vector<ConfigChange>& config_changes,
                       const std::vector<std::string>& warnings) {
  nlohmann::json j;
  j["in_sync"] = r.in_sync() && config_changes.empty();
  j["config_changes"] = nlohmann::json::array();
  for (const auto& c : config_changes) {
    j["config_changes"].push_back({{"change", ChangeSign(c.kind)},
                                   {"service", c.service},
                                   {"real_server", c.real_server},
                                   {"field", c.field},
                                   {"before", c.before},
                                   {"after", c.after}});
  }
  j["changes"] = nlohmann::json::array();
  for (const auto& l : r.lines) {
    j["changes"].push_back({{"service", l.service},
                            {"change", std::string(1, l.sign)},
                            {"what", l.what},
                            {"object", l.host ? "host" : "nftables"}});
  }
  j["nft_changes"] = r.nft_changes;
  j["host_changes"] = r.host_changes;
  j["transactions"] = r.committed ? 1 : 0;
  j["attempts"] = r.attempts;
  j["stale_slots"] = r.stale_slots;
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

}  // namespace lvsnft::cli
