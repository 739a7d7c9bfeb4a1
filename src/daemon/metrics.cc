#include "daemon/metrics.h"

#include <cstdio>

#include "daemon/metrics_internal.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {

void MetricHeader(std::string& out, const char* name, const char* type,
                  const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " +
         type + "\n";
}

// Timestamps to 1 ms.
std::string MetricNum(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<uint64_t>(v)))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, v > 1e6 ? "%.3f" : "%.9g", v);
  return buf;
}

// Label values here are service names and addresses; escape anyway.
std::string MetricLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

namespace {

void Counters(std::string& out, const DaemonStats& s) {
  MetricHeader(out, "lvsnft_syncs_total", "counter",
               "Syncs of the kernel with the desired ruleset, by result.");
  out += "lvsnft_syncs_total{result=\"ok\"} " + MetricNum(s.syncs_ok) + "\n";
  out += "lvsnft_syncs_total{result=\"error\"} " + MetricNum(s.syncs_failed) +
         "\n";
  MetricHeader(out, "lvsnft_config_reloads_total", "counter",
               "Config reloads (SIGHUP or ctl reload), by result.");
  out += "lvsnft_config_reloads_total{result=\"ok\"} " +
         MetricNum(s.reloads_ok) + "\n";
  out += "lvsnft_config_reloads_total{result=\"error\"} " +
         MetricNum(s.reloads_failed) + "\n";
  MetricHeader(out, "lvsnft_drift_repairs_total", "counter",
               "Syncs that undid a change made outside lvsnft.");
  out += "lvsnft_drift_repairs_total " + MetricNum(s.drift_repairs) + "\n";
  MetricHeader(out, "lvsnft_config_generation", "gauge",
               "Generation of the daemon's input (config + overrides).");
  out += "lvsnft_config_generation " + MetricNum(s.generation) + "\n";
  MetricHeader(out, "lvsnft_last_sync_timestamp_seconds", "gauge",
               "Unix time of the last sync.");
  out += "lvsnft_last_sync_timestamp_seconds " + MetricNum(s.last_sync_time) +
         "\n";
}

}  // namespace

void HistogramSeries(std::string& out, const std::string& name,
                     const std::string& labels, std::span<const double> bounds,
                     std::span<const uint64_t> buckets, uint64_t count,
                     double sum) {
  std::string sep = labels.empty() ? "" : ",";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  uint64_t cum = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cum += buckets[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + MetricNum(bounds[i]) +
           "\"} " + MetricNum(cum) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + MetricNum(count) +
         "\n";
  out += name + "_sum" + braces + " " + MetricNum(sum) + "\n";
  out += name + "_count" + braces + " " + MetricNum(count) + "\n";
}

namespace {

void Histogram(std::string& out, const DaemonStats& s) {
  MetricHeader(out, "lvsnft_sync_duration_seconds", "histogram",
               "Time taken by a sync (dump or snapshot, reconcile, commit).");
  HistogramSeries(out, "lvsnft_sync_duration_seconds", "", kSyncBuckets,
                  s.sync_buckets, s.sync_count, s.sync_seconds);
}

void Backends(std::string& out, const Config& cfg) {
  std::string weights, states;
  for (const auto& svc : cfg.services) {
    for (const auto& rs : svc.real_servers) {
      std::string labels = "service=\"" + MetricLabel(svc.name) +
                           "\",backend=\"" +
                           MetricLabel(ServerRef(rs.address, rs.port)) + "\"";
      weights += "lvsnft_backend_weight{" + labels + "} " +
                 MetricNum(rs.weight) + "\n";
      for (RsState st : {RsState::kUp, RsState::kDrain, RsState::kDown})
        states += "lvsnft_backend_state{" + labels + ",state=\"" +
                  RsStateName(st) + "\"} " + (rs.state == st ? "1" : "0") +
                  "\n";
    }
  }
  MetricHeader(out, "lvsnft_backend_weight", "gauge",
               "Weight of a real server (after health checks and overrides).");
  out += weights;
  MetricHeader(out, "lvsnft_backend_state", "gauge",
               "State of a real server (after health checks and overrides): 1 "
               "for the current one.");
  out += states;
}

}  // namespace

void DaemonStats::RecordSync(bool ok, double seconds, double now,
                             const std::string& result) {
  (ok ? syncs_ok : syncs_failed)++;
  last_sync_time = now;
  last_sync_duration = seconds;
  last_sync_result = result;
  ++sync_count;
  sync_seconds += seconds;
  for (size_t i = 0; i < kSyncBuckets.size(); ++i) {
    if (seconds <= kSyncBuckets[i]) {
      ++sync_buckets[i];
      break;
    }
  }
}

std::string RenderMetrics(const DaemonStats& s, const Config& effective) {
  std::string out;
  Counters(out, s);
  Histogram(out, s);
  Backends(out, effective);
  return out;
}

}  // namespace lvsnft::daemon
