// Semantic checks of health checks and of the service's failure policy:
// the rules that need a real server's merged check or other parts of the
// service. Called by CheckConfig for every service.
#pragma once

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Reports the health_check problems of service `s` and of each of its
/// real servers (type-specific keys on another type, timeout or
/// fast_interval longer than interval, a missing target port, unusable
/// addresses) and of its policy (quorum, hysteresis, flush_conntrack,
/// sorry_server, all_down). A problem of the service's own check is
/// reported once, at the service, not again for every server.
void CheckHealth(const Service& s, Diagnostics& diags);

}  // namespace lvsnft
