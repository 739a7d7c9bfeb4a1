// JSON summaries printed by lvsnft_echo client (one line, fixed key order,
// so shell tests can grep fields without a JSON parser).
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "client.h"

namespace echo {

/// Quotes a string for JSON (the values here are names and addresses).
inline std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

/// {"key":count,...} in key order.
inline std::string CountsJson(const std::map<std::string, long>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) {
    if (out.size() > 1) out += ",";
    out += Quote(k) + ":" + std::to_string(v);
  }
  return out + "}";
}

/// A number with 3 decimals.
inline std::string Num(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

/// {"min":..,"p50":..,"p90":..,"p99":..,"max":..} over the samples, in ms.
inline std::string LatencyJson(std::vector<double> v) {
  if (v.empty()) return "{}";
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) {
    return v[static_cast<size_t>(p * (v.size() - 1))];
  };
  return "{\"min\":" + Num(v.front()) + ",\"p50\":" + Num(pct(0.5)) +
         ",\"p90\":" + Num(pct(0.9)) + ",\"p99\":" + Num(pct(0.99)) +
         ",\"max\":" + Num(v.back()) + "}";
}

/// Fields shared by every mode: ok/failed split, per-rs, per-seen-client,
/// per-local counts and the error names.
struct Tally {
  long ok = 0, failed = 0;                              ///< outcomes
  std::map<std::string, long> rs, seen, local, errors;  ///< breakdowns
  std::vector<double> latency;                          ///< ok samples, ms

  /// Adds one outcome.
  void Add(const Outcome& r) {
    if (!r.error.empty()) {
      ++failed;
      ++errors[r.error];
      return;
    }
    ++ok;
    ++rs[r.rs];
    ++seen[r.seen];
    ++local[r.local];
    latency.push_back(r.latency_ms);
  }
  /// Failures of one errno name.
  long Errors(const std::string& name) const {
    auto it = errors.find(name);
    return it == errors.end() ? 0 : it->second;
  }
  /// "ok":..,"failed":..,"resets":..,..,"latency_ms":{..} (no braces).
  std::string Json() const {
    return "\"ok\":" + std::to_string(ok) +
           ",\"failed\":" + std::to_string(failed) + ",\"resets\":" +
           std::to_string(Errors("ECONNRESET") + Errors("EPIPE")) +
           ",\"refused\":" + std::to_string(Errors("ECONNREFUSED")) +
           ",\"timeouts\":" + std::to_string(Errors("ETIMEDOUT")) +
           ",\"errors\":" + CountsJson(errors) + ",\"rs\":" + CountsJson(rs) +
           ",\"seen\":" + CountsJson(seen) + ",\"local\":" + CountsJson(local) +
           ",\"latency_ms\":" + LatencyJson(latency);
  }
};

/// [{"t_ms":..,"error":".."},...]: the first `limit` failures by time.
inline std::string FailuresJson(std::vector<Outcome> all, size_t limit) {
  std::sort(all.begin(), all.end(),
            [](const Outcome& a, const Outcome& b) { return a.t_ms < b.t_ms; });
  std::string out = "[";
  size_t n = 0;
  for (const auto& r : all) {
    if (r.error.empty() || n++ >= limit) continue;
    if (out.size() > 1) out += ",";
    out += "{\"t_ms\":" + Num(r.t_ms) + ",\"error\":" + Quote(r.error) + "}";
  }
  return out + "]";
}

/// The summary of a count or stream run.
inline std::string ShortReport(const ClientOptions& o,
                               const std::vector<Outcome>& all,
                               double elapsed_ms) {
  Tally t;
  for (const auto& r : all) t.Add(r);
  std::string out = "{\"mode\":" + Quote(o.stream_s > 0 ? "stream" : "count") +
                    ",\"proto\":" + Quote(o.udp ? "udp" : "tcp") +
                    ",\"target\":" + Quote(FormatEndpoint(o.target.ss)) +
                    ",\"total\":" + std::to_string(all.size()) + "," +
                    t.Json() + ",\"elapsed_ms\":" + Num(elapsed_ms);
  if (o.stream_s > 0) {
    out += ",\"rate_per_s\":" +
           Num(all.size() * 1000.0 / std::max(elapsed_ms, 1.0));
    out += ",\"failures\":" + FailuresJson(all, 1000);
  }
  return out + "}";
}

}  // namespace echo
