// Prometheus text helpers shared by the metrics pages of src/daemon.
#pragma once

#include <string>

namespace lvsnft::daemon {

/// Appends the "# HELP" and "# TYPE" lines of a family.
void MetricHeader(std::string& out, const char* name, const char* type,
                  const char* help);
/// A sample value: integers exactly, others with enough digits.
std::string MetricNum(double v);
/// A label value escaped for the exposition format.
std::string MetricLabel(const std::string& v);

}  // namespace lvsnft::daemon
