#include "daemon/metrics_conns.h"

#include <malloc.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <utility>

#include "daemon/metrics_internal.h"

namespace lvsnft::daemon {
namespace {

bool Stateful(const netlink::ServiceStatus& v) {
  return v.mode == "nat" || v.mode == "fullnat";
}

std::string Labels(const netlink::ServiceStatus& v,
                   const netlink::RsStatus& r) {
  return "{service=\"" + MetricLabel(v.name) + "\",backend=\"" +
         MetricLabel(r.address) + "\"} ";
}

// One family of backend samples; `value` returns null to skip a backend.
void BackendFamily(
    std::string& out, const netlink::DirectorStatus& s, const char* name,
    const char* type, const char* help,
    const std::function<std::optional<uint64_t>(
        const netlink::ServiceStatus&, const netlink::RsStatus&)>& value) {
  MetricHeader(out, name, type, help);
  for (const auto& v : s.services) {
    if (!v.live || !v.labelled) continue;
    for (const auto& r : v.servers) {
      auto n = value(v, r);
      if (n) out += name + Labels(v, r) + MetricNum(*n) + "\n";
    }
  }
}

}  // namespace

std::string RenderConnMetrics(const netlink::DirectorStatus& s) {
  std::string out;
  MetricHeader(out, "lvsnft_service_connections_total", "counter",
               "New connections dispatched by a NAT/FULLNAT service.");
  for (const auto& v : s.services) {
    if (!v.live || !v.labelled || !Stateful(v)) continue;
    out += "lvsnft_service_connections_total{service=\"" + MetricLabel(v.name) +
           "\"} " + MetricNum(v.conns) + "\n";
  }
  using V = const netlink::ServiceStatus&;
  using R = const netlink::RsStatus&;
  BackendFamily(
      out, s, "lvsnft_backend_connections_total", "counter",
      "New connections sent to a real server (NAT/FULLNAT).", [](V v, R r) {
        return Stateful(v) ? std::optional<uint64_t>(r.conns) : std::nullopt;
      });
  BackendFamily(
      out, s, "lvsnft_backend_connections_active", "gauge",
      "NAT/FULLNAT: tracked connections ESTABLISHED (TCP, SCTP); DR/TUN: "
      "flows in the flow table.",
      [](V, R r) { return r.active; });
  BackendFamily(out, s, "lvsnft_backend_connections_inactive", "gauge",
                "NAT/FULLNAT: tracked connections in any other state "
                "(TCP closing, UDP).",
                [](V, R r) { return r.inactive; });
  return out;
}

ConnMetrics::ConnMetrics(Source source, double refresh_seconds)
    : source_(std::move(source)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      refresh_(refresh_seconds) {}

ConnMetrics::~ConnMetrics() {
  if (worker_.joinable()) worker_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void ConnMetrics::Render(double now, Done done) {
  if (tried_ && now - read_at_ < refresh_ && !reading()) {
    done(RenderConnMetrics(last_ ? *last_ : netlink::DirectorStatus{}));
    return;
  }
  waiting_.push_back(std::move(done));
  if (reading()) return;  // Its result answers this scrape too.
  tried_ = true;
  started_ = now;
  worker_ = std::thread([this] {
    auto s = source_();
    {
      std::lock_guard<std::mutex> lock(mu_);
      result_ = std::move(s);
    }
    uint64_t one = 1;  // An eventfd write fails only at its maximum.
    [[maybe_unused]] ssize_t w = write(wake_fd_, &one, sizeof one);
  });
}

bool ConnMetrics::Collect(double now) {
  uint64_t n;  // EAGAIN when nothing woke us: result_ tells.
  [[maybe_unused]] ssize_t r = read(wake_fd_, &n, sizeof n);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!result_) return false;  // A stray wake-up: nothing finished.
    if (result_->ok()) last_ = std::move(**result_);
    result_.reset();
  }
  worker_.join();
  // Counted from the end: a read slower than the interval is not
  // followed by another at once.
  read_at_ = now;
  read_seconds_ = now - started_;
  // The read's peak (the parsed config, the dump) was the worker's.
  malloc_trim(0);
  std::string page =
      RenderConnMetrics(last_ ? *last_ : netlink::DirectorStatus{});
  for (auto& done : std::exchange(waiting_, {})) done(page);
  return true;
}

}  // namespace lvsnft::daemon
