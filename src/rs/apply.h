// Reading the host and carrying out changes, with rollback.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernel/host_net.h"
#include "kernel/sysctls.h"
#include "rs/diff.h"

namespace lvsnft::rs {

/// Links, addresses and default routes of the host.
Result<HostView> ReadHostView(netlink::HostNet& net);

/// `view` plus the values of `paths`.
Result<Snapshot> SnapshotOf(HostView view, netlink::Sysctls& sys,
                            const std::vector<std::string>& paths);

/// ReadHostView plus the values of `paths`.
Result<Snapshot> TakeSnapshot(netlink::HostNet& net, netlink::Sysctls& sys,
                              const std::vector<std::string>& paths);

/// Carries out one change. A failure to load ipip because the kernel does
/// not know the device kind is reported as a missing ipip module.
Status Execute(netlink::HostNet& net, netlink::Sysctls& sys, const Change& c);

/// The change that undoes `c`; nullopt when there is none (loading a module,
/// or a sysctl that did not exist before).
std::optional<Change> Inverse(const Change& c);

/// Outcome of ApplyChanges.
struct ApplyResult {
  Status status;           ///< The first failure, or ok.
  size_t done = 0;         ///< Changes carried out before it.
  size_t rolled_back = 0;  ///< Of those, how many were undone.
  std::vector<std::string> rollback_errors;
};

/// Carries out `changes` in order, calling `on_done` after each success.
/// On the first failure, undoes the executed changes in reverse order.
ApplyResult ApplyChanges(netlink::HostNet& net, netlink::Sysctls& sys,
                         const std::vector<Change>& changes,
                         const std::function<void(const Change&)>& on_done);

}  // namespace lvsnft::rs
