// Semantic checks on a parsed config (cross-field and cross-service rules).
#pragma once

#include <vector>

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Reports every semantic problem of `cfg` to `diags`: duplicate names,
/// overlapping VIP/protocol/port, port mapping in DR/TUN, non-hash
/// schedulers in DR/TUN, RS equal to a VIP, family mismatches, unsafe
/// names, long interface names, weights, non-prime Maglev sizes, ...
void CheckConfig(const Config& cfg, Diagnostics& diags);

/// CheckConfig of a config that differs from one CheckConfig found no
/// error in only in the services at `at`, each of which kept the keys
/// other services' checks read (KeepsCrossServiceKeys), where no service's
/// check reads a file (ChecksReadFiles): reports errors exactly when
/// CheckConfig would (the director's and those of the services at `at`:
/// nothing the others' checks read changed). O(change + services).
void CheckConfigAt(const Config& cfg, const std::vector<size_t>& at,
                   Diagnostics& diags);

/// True when `now`, replacing `was` in a config, changes nothing another
/// service's check reads: the name, VIP, protocol, ports and whether it
/// is FULLNAT (which makes every address a candidate local address).
bool KeepsCrossServiceKeys(const Service& was, const Service& now);

/// True when the checks of `s` read files (the TLS files of a health
/// check), which may have changed without the config.
bool ChecksReadFiles(const Service& s);

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
