// Entering a named network namespace (the `--netns NAME` option of every
// kernel-facing command).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace lvsnft::netlink {

/// Moves the calling process into the network namespace bound at
/// /run/netns/NAME (as `ip netns add` creates it). Call it before opening
/// any socket: sockets stay in the namespace they were opened in. After it,
/// /proc/sys/net/... refers to the entered namespace. The process must be
/// single-threaded at that point (setns affects the calling thread only).
Status EnterNetns(std::string_view name);

/// Checks a namespace name: 1..255 bytes, not "." or "..", no '/'.
Status CheckNetnsName(std::string_view name);

}  // namespace lvsnft::netlink
