#include "cli/persisted_overrides.h"

#include <cstdio>

namespace lvsnft::cli {

std::string OverridesPath(const KernelOptions& o) {
  return o.state_dir + "/overrides-" + netlink::CurrentNetnsId(o.netns) +
         ".json";
}

daemon::Overrides LoadPersistedOverrides(const KernelOptions& o) {
  auto ov = daemon::Overrides::Load(OverridesPath(o));
  if (ov.ok()) return std::move(*ov);
  std::fprintf(stderr, "lvsnft: warning: ignoring overrides: %s\n",
               ov.status().message().c_str());
  return daemon::Overrides();
}

daemon::OverrideReport ApplyOverrides(const daemon::Overrides& ov,
                                      Config& cfg) {
  daemon::OverrideReport r = daemon::DescribeOverrides(ov, cfg);
  ov.ApplyTo(cfg, nullptr);
  return r;
}

std::string WithOverridesJson(const std::string& report_json,
                              const daemon::OverrideReport& r) {
  auto j = nlohmann::ordered_json::parse(report_json);
  j["overrides"] = daemon::OverridesJson(r);
  return j.dump(2) + "\n";
}

}  // namespace lvsnft::cli
