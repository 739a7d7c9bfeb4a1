// The connection families of the metrics page and their cache: a scrape
// within the refresh interval reuses the last status.
#include "daemon/metrics_conns.h"

#include <gtest/gtest.h>

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
  std::string first = m.Render(100);
  EXPECT_EQ(m.Render(101), first);
  EXPECT_EQ(m.Render(104.9), first);
  EXPECT_EQ(reads, 1);
  fail = true;
  EXPECT_EQ(m.Render(105), first);  // read again, failed: last status kept
  EXPECT_EQ(reads, 2);
  EXPECT_NE(first.find("} 12\n"), std::string::npos);
}

}  // namespace
}  // namespace lvsnft::daemon
