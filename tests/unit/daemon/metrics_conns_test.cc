// The connection families of the metrics page and their cache: a scrape
// within the refresh interval reuses the last status; a read runs on a
// worker thread and answers its scrapes through Collect.
#include "daemon/metrics_conns.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <future>

namespace lvsnft::daemon {
namespace {

netlink::DirectorStatus Sample() {
  netlink::DirectorStatus s;
  netlink::ServiceStatus nat{
      "web", "nat", "tcp", "192.168.10.100", "80", "wrr", true, 12, 0, 0, {}};
  nat.servers.push_back({"192.168.1.10:80", 1, "up", 3, 12, 0, 0});
  nat.servers[0].active = 4;
  nat.servers[0].inactive = 2;
  netlink::ServiceStatus dr{
      "dns", "dr", "udp", "192.168.1.100", "53", "mh", true, 5, 40, 4000, {}};
  dr.servers.push_back({"192.168.1.11", 2, "up", 1, 5, 40, 4000});
  dr.servers[0].active = 5;
  s.services = {nat, dr};
  return s;
}

// Render as the daemon's loop does it: waits for the wake-up, then
// Collect answers.
std::string RenderNow(ConnMetrics& m, double now) {
  std::optional<std::string> page;
  m.Render(now, [&](const std::string& p) { page = p; });
  if (!page) {
    pollfd p{m.wake_fd(), POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 5000), 1);
    EXPECT_TRUE(m.Collect(now));
  }
  EXPECT_TRUE(page.has_value());
  return page.value_or("");
}

TEST(ConnMetrics, Families) {
  EXPECT_EQ(
      RenderConnMetrics(Sample()),
      "# HELP lvsnft_service_connections_total New connections dispatched by "
      "a NAT/FULLNAT service.\n"
      "# TYPE lvsnft_service_connections_total counter\n"
      "lvsnft_service_connections_total{service=\"web\"} 12\n"
      "# HELP lvsnft_backend_connections_total New connections sent to a "
      "real server (NAT/FULLNAT).\n"
      "# TYPE lvsnft_backend_connections_total counter\n"
      "lvsnft_backend_connections_total{service=\"web\",backend=\"192.168.1."
      "10:80\"} 12\n"
      "# HELP lvsnft_backend_connections_active NAT/FULLNAT: tracked "
      "connections ESTABLISHED (TCP, SCTP); DR/TUN: flows in the flow "
      "table.\n"
      "# TYPE lvsnft_backend_connections_active gauge\n"
      "lvsnft_backend_connections_active{service=\"web\",backend=\"192.168.1."
      "10:80\"} 4\n"
      "lvsnft_backend_connections_active{service=\"dns\",backend=\"192.168.1."
      "11\"} 5\n"
      "# HELP lvsnft_backend_connections_inactive NAT/FULLNAT: tracked "
      "connections in any other state (TCP closing, UDP).\n"
      "# TYPE lvsnft_backend_connections_inactive gauge\n"
      "lvsnft_backend_connections_inactive{service=\"web\",backend=\"192.168."
      "1.10:80\"} 2\n");
}

TEST(ConnMetrics, ReadsAtMostOncePerRefreshAndKeepsTheLastOnError) {
  int reads = 0;
  bool fail = false;
  ConnMetrics m(
      [&]() -> Result<netlink::DirectorStatus> {
        ++reads;
        if (fail) return Status::Error("dump failed");
        return Sample();
      },
      5);
  std::string first = RenderNow(m, 100);
  EXPECT_EQ(RenderNow(m, 101), first);
  EXPECT_EQ(RenderNow(m, 104.9), first);
  EXPECT_EQ(reads, 1);
  fail = true;
  EXPECT_EQ(RenderNow(m, 105), first);  // read again, failed: last kept
  EXPECT_EQ(reads, 2);
  EXPECT_NE(first.find("} 12\n"), std::string::npos);
}

TEST(ConnMetrics, ARunningReadDoesNotBlockAndAnswersEveryScrape) {
  std::promise<void> release;
  std::shared_future<void> go = release.get_future().share();
  int reads = 0;
  ConnMetrics m(
      [&, go]() -> Result<netlink::DirectorStatus> {
        ++reads;
        go.wait();  // The dump is "running" until the test releases it.
        return Sample();
      },
      5);
  std::vector<std::string> pages;
  auto keep = [&](const std::string& p) { pages.push_back(p); };
  m.Render(100, keep);  // Returns while the read is blocked.
  m.Render(100.5, keep);
  EXPECT_TRUE(m.reading());
  EXPECT_TRUE(pages.empty());
  EXPECT_FALSE(m.Collect(100.5));  // Nothing finished: no answer, no wait.
  EXPECT_TRUE(pages.empty());
  release.set_value();
  pollfd p{m.wake_fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);
  EXPECT_TRUE(m.Collect(108));  // A read of 8 s: its age counts from 108.
  EXPECT_DOUBLE_EQ(m.read_seconds(), 8);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0], pages[1]);
  EXPECT_EQ(pages[0], RenderConnMetrics(Sample()));
  EXPECT_EQ(reads, 1);
  EXPECT_FALSE(m.reading());
  m.Render(112.9, keep);  // Less than 5 s after the read ended: cached.
  EXPECT_EQ(pages.size(), 3u);
  EXPECT_EQ(reads, 1);
}

}  // namespace
}  // namespace lvsnft::daemon
