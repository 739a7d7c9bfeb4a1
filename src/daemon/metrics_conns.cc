#include "daemon/metrics_conns.h"

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

std::string ConnMetrics::Render(double now) {
  if (!tried_ || now - read_at_ >= refresh_) {
    tried_ = true;
    read_at_ = now;
    auto s = source_();
    if (s.ok()) last_ = std::move(*s);
  }
  return RenderConnMetrics(last_ ? *last_ : netlink::DirectorStatus{});
}

}  // namespace lvsnft::daemon
