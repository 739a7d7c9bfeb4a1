// Prometheus text helpers shared by the metrics pages of src/daemon.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace lvsnft::daemon {

/// Appends the "# HELP" and "# TYPE" lines of a family.
void MetricHeader(std::string& out, const char* name, const char* type,
                  const char* help);
/// A sample value: integers exactly, others with enough digits.
std::string MetricNum(double v);
/// A label value escaped for the exposition format.
std::string MetricLabel(const std::string& v);
/// Appends one histogram series: cumulative `_bucket` lines for `bounds`
/// (per-bucket counts in `buckets`), `+Inf`, `_sum` and `_count`.
/// `labels` is "" or `k="v",...` without braces.
void HistogramSeries(std::string& out, const std::string& name,
                     const std::string& labels, std::span<const double> bounds,
                     std::span<const uint64_t> buckets, uint64_t count,
                     double sum);

}  // namespace lvsnft::daemon
