// Semantic checks on a parsed config (cross-field and cross-service rules).
#pragma once

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Reports every semantic problem of `cfg` to `diags`: duplicate names,
/// overlapping VIP/protocol/port, port mapping in DR/TUN, non-hash
/// schedulers in DR/TUN, RS equal to a VIP, family mismatches, unsafe
/// names, long interface names, weights, non-prime Maglev sizes, ...
void CheckConfig(const Config& cfg, Diagnostics& diags);

/// CheckConfig for a config the parser reported errors for (those from
/// diags.items()[from] on): checks what parsed and adds the problems that
/// lie outside the values already reported.
void CheckParsedParts(const Config& parsed, Diagnostics& diags, size_t from);

/// True when `name` is usable as a service name (and so inside nft
/// identifiers): [A-Za-z][A-Za-z0-9_]{0,47}.
bool IsSafeName(std::string_view name);

/// Why `a` cannot be a VIP, real server or local address ("127.0.0.0/8 is
/// loopback"): unspecified, "this network", loopback, link-local,
/// multicast, broadcast, reserved 240.0.0.0/4 and IPv4-mapped IPv6. Empty
/// when it can.
std::string UnusableReason(const IpAddr& a);

}  // namespace lvsnft
