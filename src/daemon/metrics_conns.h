// The connection families of the metrics page (node_exporter IPVS collector
// style): new connections per service and backend (counters) and tracked
// connections per backend (gauges), from the director's status, which a
// scrape reads at most once per refresh interval.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "director/status.h"

namespace lvsnft::daemon {

/// Cached connection metrics.
class ConnMetrics {
 public:
  /// Reads the status (a full dump of the tables and conntrack).
  using Source = std::function<Result<netlink::DirectorStatus>()>;

  /// `refresh_seconds`: a status at most this old is reused (a dump at
  /// NAT 10k×10 costs about a second of kernel time).
  explicit ConnMetrics(Source source, double refresh_seconds = 5)
      : source_(std::move(source)), refresh_(refresh_seconds) {}

  /// The families, read anew when the cached status is older than the
  /// refresh interval at monotonic time `now` (seconds). A failed read
  /// keeps the last status.
  std::string Render(double now);

 private:
  Source source_;
  double refresh_;
  double read_at_ = 0;
  bool tried_ = false;
  std::optional<netlink::DirectorStatus> last_;
};

/// The families for `s`: lvsnft_service_connections_total and
/// lvsnft_backend_connections_total (NAT/FULLNAT: new connections),
/// lvsnft_backend_connections_active (NAT/FULLNAT: ESTABLISHED, DR/TUN:
/// flows) and lvsnft_backend_connections_inactive (NAT/FULLNAT).
std::string RenderConnMetrics(const netlink::DirectorStatus& s);

}  // namespace lvsnft::daemon
