// Warnings: configs that are valid but probably not what was meant.
#pragma once

#include <vector>

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Reports a warning to `diags` for each suspicious part of a valid config:
/// a service none of whose real servers takes new connections, a VIP that
/// is the network or broadcast address of a real server's /24 (IPv4) or
/// the subnet-router anycast address of its /64 (IPv6), and persistence
/// where the hash scheduler already gives affinity (dh; sh or mh without
/// mh_port, unless persistence groups clients by a netmask).
void WarnConfig(const Config& cfg, Diagnostics& diags);

/// WarnConfig's warnings of the services at `at` alone (ascending), in
/// its order: each warning is about one service.
void WarnConfigAt(const Config& cfg, const std::vector<size_t>& at,
                  Diagnostics& diags);

}  // namespace lvsnft
