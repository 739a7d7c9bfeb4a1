// ConnTrack over libnetfilter-conntrack: one ctnetlink dump, filtered by
// ct mark in the kernel (CTA_MARK / CTA_MARK_MASK).
#pragma once

#include <memory>

#include "base/status.h"
#include "kernel/conntrack.h"

namespace lvsnft::netlink {

/// Opens a ctnetlink socket in the current network namespace (enter the
/// director's namespace first).
Result<std::unique_ptr<ConnTrack>> OpenConnTrack();

}  // namespace lvsnft::netlink
