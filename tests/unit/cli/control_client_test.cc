// The daemon's `status` reply as `lvsnft ctl status` prints it and as
// `lvsnft status` shows it (indented, under "daemon: running").
#include "cli/control_client.h"

#include <gtest/gtest.h>

namespace lvsnft::cli {
namespace {

nlohmann::ordered_json Reply(const char* overrides) {
  return nlohmann::ordered_json::parse(
      std::string(R"({"ok":true,"config":"/etc/lvsnft.json","netns":"host",)"
                  R"("generation":3,"last_sync":{"time":1796545800.25,)"
                  R"("result":"ok","duration_seconds":0.0123,)"
                  R"("ruleset_genid":41},"syncs":{"ok":5,"error":1},)"
                  R"("reloads":{"ok":2,"error":0},"drift_repairs":1,)"
                  R"("overrides":)") +
      overrides + "}");
}

TEST(DaemonStatusText, IndentedWithOverrides) {
  auto j = Reply(R"([{"service":"web","server":"192.168.1.11:80",)"
                 R"("state":"drain"},{"service":"web","server":"10.0.0.2",)"
                 R"("weight":5}])");
  EXPECT_EQ(DaemonStatusText(j, "  "),
            "  config: /etc/lvsnft.json\n"
            "  generation: 3\n"
            "  last sync: ok at 2026-12-06T08:30:00Z (12.3 ms), ruleset "
            "generation 41\n"
            "  syncs: 5 ok, 1 failed\n"
            "  reloads: 2 ok, 0 failed\n"
            "  drift repairs: 1\n"
            "  overrides:\n"
            "    web 192.168.1.11:80 state=drain\n"
            "    web 10.0.0.2 weight=5\n");
}

TEST(DaemonStatusText, NoOverridesNoSyncYet) {
  auto j = Reply("[]");
  j["last_sync"]["time"] = 0;
  std::string t = DaemonStatusText(j, "");
  EXPECT_NE(t.find("last sync: ok at never (12.3 ms)"), std::string::npos) << t;
  EXPECT_NE(t.find("\noverrides: none\n"), std::string::npos) << t;
}

}  // namespace
}  // namespace lvsnft::cli
