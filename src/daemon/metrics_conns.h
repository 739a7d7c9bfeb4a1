// The connection families of the metrics page (node_exporter IPVS collector
// style): new connections per service and backend (counters) and tracked
// connections per backend (gauges), from the director's status, which a
// scrape reads at most once per refresh interval, on a worker thread so
// that the event loop keeps serving while the dump runs.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "director/status.h"

namespace lvsnft::daemon {

/// Cached connection metrics, read in the background.
class ConnMetrics {
 public:
  /// Reads the status (a full dump of the tables and conntrack). Runs on
  /// a worker thread: it must use its own kernel handles, nothing the
  /// event loop uses.
  using Source = std::function<Result<netlink::DirectorStatus>()>;
  /// Receives the rendered families (on the thread that calls Collect).
  using Done = std::function<void(const std::string&)>;

  /// `refresh_seconds`: a status at most this old is reused (a dump at
  /// NAT 10k×10 costs about a second).
  explicit ConnMetrics(Source source, double refresh_seconds = 5);
  /// Waits for a read still running.
  ~ConnMetrics();
  ConnMetrics(const ConnMetrics&) = delete;
  ConnMetrics& operator=(const ConnMetrics&) = delete;

  /// Calls `done` with the families: at once when the cached status was
  /// read less than the refresh interval before monotonic time `now`
  /// (seconds), otherwise from Collect once a background read (started
  /// now, or already running) has finished. A failed read keeps the last
  /// status.
  void Render(double now, Done done);
  /// Readable (an eventfd) when a background read has finished: the
  /// owner's event loop then calls Collect on its own thread.
  int wake_fd() const { return wake_fd_; }
  /// Takes a finished read (its age counts from `now`) and answers every
  /// waiting Render; false when no read had finished.
  bool Collect(double now);
  /// How long the last finished read took (seconds).
  double read_seconds() const { return read_seconds_; }
  /// True while a read runs on the worker thread.
  bool reading() const { return worker_.joinable(); }

 private:
  Source source_;
  int wake_fd_;
  double refresh_;
  double read_at_ = 0;  ///< When the last read finished.
  double started_ = 0;  ///< When the running read started.
  double read_seconds_ = 0;
  bool tried_ = false;
  std::optional<netlink::DirectorStatus> last_;
  std::vector<Done> waiting_;
  std::thread worker_;
  std::mutex mu_;  ///< Guards result_ (written by the worker).
  std::optional<Result<netlink::DirectorStatus>> result_;
};

/// The families for `s`: lvsnft_service_connections_total and
/// lvsnft_backend_connections_total (NAT/FULLNAT: new connections),
/// lvsnft_backend_connections_active (NAT/FULLNAT: ESTABLISHED, DR/TUN:
/// flows) and lvsnft_backend_connections_inactive (NAT/FULLNAT).
std::string RenderConnMetrics(const netlink::DirectorStatus& s);

}  // namespace lvsnft::daemon
