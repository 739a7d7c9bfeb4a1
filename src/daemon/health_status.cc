// The health part of the daemon's status reply and metrics page.
#include <chrono>
#include <nlohmann/json.hpp>

#include "daemon/health_input.h"
#include "daemon/metrics_internal.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {
namespace {

double UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string Labels(const CheckedServer& c) {
  return "service=\"" + MetricLabel(c.service) + "\",backend=\"" +
         MetricLabel(c.server) + "\"";
}

void Durations(std::string& out, const HealthInput& h) {
  MetricHeader(out, "lvsnft_backend_check_duration_seconds", "histogram",
               "Time taken by one health check attempt.");
  const char* n = "lvsnft_backend_check_duration_seconds";
  for (const auto& c : h.servers()) {
    CheckDurations d;
    if (const CheckDurations* p = h.DurationsOf(c)) d = *p;
    HistogramSeries(out, n, Labels(c), kCheckBuckets, d.buckets, d.count,
                    d.seconds);
  }
}

void Quorum(std::string& out, const HealthInput& h, const Config& effective) {
  MetricHeader(out, "lvsnft_service_quorum_up", "gauge",
               "1 while a service's quorum is held (services with a quorum).");
  for (const auto& svc : effective.services) {
    auto it = h.quorum().find(svc.name);
    if (svc.health.quorum == 0 || it == h.quorum().end()) continue;
    out += "lvsnft_service_quorum_up{service=\"" + MetricLabel(svc.name) +
           "\"} " + (it->second ? "1" : "0") + "\n";
  }
}

}  // namespace

std::string HealthStatusJson(const HealthInput& h) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& c : h.servers()) {
    auto st = h.StatusOf(c);
    if (!st) continue;
    nlohmann::ordered_json j;
    j["service"] = c.service;
    j["server"] = c.server;
    j["check"] = health::Describe(c.spec);
    j["state"] = st->state == health::State::kUp ? "up" : "down";
    j["since"] = UnixSeconds(st->since);
    j["checked"] = st->checked;
    j["last_result"] = !st->checked  ? "none"
                       : st->last_ok ? "ok"
                                     : st->last_reason;
    j["last_latency_ms"] = st->last_latency.count();
    j["failures_in_row"] = st->failures_in_row;
    j["successes_in_row"] = st->successes_in_row;
    if (st->weight) j["weight"] = *st->weight;
    j["checks"] = st->checks;
    j["failures"] = st->failures;
    j["transitions"] = st->transitions;
    arr.push_back(j);
  }
  return arr.dump();
}

std::string RenderHealthMetrics(const HealthInput& h, const Config& effective) {
  std::string up, fails, trans;
  for (const auto& c : h.servers()) {
    auto st = h.StatusOf(c);
    if (!st) continue;
    std::string l = "{" + Labels(c) + "} ";
    up += "lvsnft_backend_up" + l +
          (st->state == health::State::kUp ? "1" : "0") + "\n";
    fails += "lvsnft_backend_check_failures_total" + l +
             MetricNum(st->failures) + "\n";
    trans += "lvsnft_backend_transitions_total" + l +
             MetricNum(st->transitions) + "\n";
  }
  std::string out;
  MetricHeader(out, "lvsnft_backend_up", "gauge",
               "1 while a checked real server passes its health check.");
  out += up;
  MetricHeader(out, "lvsnft_backend_check_failures_total", "counter",
               "Failed health check attempts of a real server.");
  out += fails;
  MetricHeader(out, "lvsnft_backend_transitions_total", "counter",
               "Up/down changes of a checked real server.");
  out += trans;
  Durations(out, h);
  Quorum(out, h, effective);
  return out;
}

}  // namespace lvsnft::daemon
