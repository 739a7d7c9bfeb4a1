// The metrics page: HELP/TYPE for every family, a cumulative histogram,
// backend gauges from the config after overrides.
#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace lvsnft::daemon {
namespace {

bool Has(const std::string& page, const std::string& line) {
  return page.find("\n" + line + "\n") != std::string::npos;
}

TEST(DaemonMetrics, CountersAndHistogram) {
  DaemonStats s;
  s.RecordSync(true, 0.004, 1700000000.25, "ok");
  s.RecordSync(true, 0.03, 1700000001.5, "ok");
  s.RecordSync(false, 9, 1700000002.125, "boom");
  s.drift_repairs = 2;
  s.reloads_failed = 1;
  std::string page = "\n" + RenderMetrics(s, Config{});
  EXPECT_TRUE(Has(page, "lvsnft_syncs_total{result=\"ok\"} 2"));
  EXPECT_TRUE(Has(page, "lvsnft_syncs_total{result=\"error\"} 1"));
  EXPECT_TRUE(Has(page, "lvsnft_config_reloads_total{result=\"error\"} 1"));
  EXPECT_TRUE(Has(page, "lvsnft_drift_repairs_total 2"));
  EXPECT_TRUE(Has(page, "lvsnft_last_sync_timestamp_seconds 1700000002.125"));
  EXPECT_TRUE(
      Has(page, "lvsnft_sync_duration_seconds_bucket{le=\"0.0025\"} 0"));
  EXPECT_TRUE(Has(page, "lvsnft_sync_duration_seconds_bucket{le=\"0.005\"} 1"));
  EXPECT_TRUE(Has(page, "lvsnft_sync_duration_seconds_bucket{le=\"0.05\"} 2"));
  EXPECT_TRUE(Has(page, "lvsnft_sync_duration_seconds_bucket{le=\"2.5\"} 2"));
  EXPECT_TRUE(Has(page, "lvsnft_sync_duration_seconds_bucket{le=\"+Inf\"} 3"));
  EXPECT_TRUE(Has(page, "lvsnft_sync_duration_seconds_count 3"));
  EXPECT_TRUE(Has(page, "# TYPE lvsnft_sync_duration_seconds histogram"));
}

TEST(DaemonMetrics, BackendGauges) {
  Config cfg = testing::LoadExample("nat.json");
  cfg.services[0].real_servers[1].state = RsState::kDrain;
  cfg.services[0].real_servers[1].weight = 4;
  std::string page = "\n" + RenderMetrics(DaemonStats{}, cfg);
  EXPECT_TRUE(Has(page, "# TYPE lvsnft_backend_weight gauge"));
  EXPECT_TRUE(Has(page,
                  "lvsnft_backend_weight{service=\"web\",backend=\"192.168.1."
                  "11:80\"} 4"));
  EXPECT_TRUE(Has(page,
                  "lvsnft_backend_state{service=\"web\",backend=\"192.168.1."
                  "11:80\",state=\"drain\"} 1"));
  EXPECT_TRUE(Has(page,
                  "lvsnft_backend_state{service=\"web\",backend=\"192.168.1."
                  "11:80\",state=\"up\"} 0"));
  EXPECT_TRUE(Has(page,
                  "lvsnft_backend_state{service=\"web\",backend=\"192.168.1."
                  "10:80\",state=\"up\"} 1"));
}

}  // namespace
}  // namespace lvsnft::daemon
