// The director's host objects from the plan: VIPs on the client-facing
// interface, forwarding sysctls, per-real-server ipip devices (TUN).
// Everything lvsnft creates or replaces is recorded in DirectorState so a
// failed transaction can be rolled back and `destroy` undoes exactly it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "config/config.h"
#include "config/diag.h"
#include "director/director_state.h"
#include "kernel/host_net.h"
#include "kernel/sysctls.h"

namespace lvsnft::netlink {

/// One host change, for reports ("+ ipip device lvt-c0a8010a remote ...").
struct HostChange {
  char sign = '+';  ///< '+', '-' or '~'.
  std::string what;
  std::string service;  ///< Service the object serves ("" = director).
};

/// Differences between the host and the plan's HostPlan (read-only).
struct HostDiff {
  std::vector<const plan::Tunnel*> create_tunnels;
  std::vector<std::pair<std::string, int>> delete_tunnels;  ///< name, ifindex
  std::vector<const plan::HostAddress*> add_addresses;
  std::vector<AddedAddress> remove_addresses;
  std::vector<const plan::Sysctl*> set_sysctls;
  std::map<std::string, std::string> sysctl_now;  ///< Current values.
  std::map<std::string, uint32_t> ifindex;        ///< Existing devices.
  /// Human lines for every change.
  std::vector<HostChange> Changes() const;
  bool empty() const {
    return create_tunnels.empty() && delete_tunnels.empty() &&
           add_addresses.empty() && remove_addresses.empty() &&
           set_sysctls.empty();
  }
};

/// Apply-time check (the host, not the file): every director local address
/// a FULLNAT service uses must be an address of some interface, or FULLNAT
/// would source-NAT to an address whose replies never reach the director.
/// lvsnft does not add local addresses (they belong to the network setup).
/// One located error per missing address; false when there was any.
Result<bool> CheckLocalAddresses(const Config& cfg, HostNet& net,
                                 Diagnostics& diags);

/// Adds to `st` the host objects the kernel shows as lvsnft's although `st`
/// does not record them (state file lost or damaged): addresses carrying
/// IFA_PROTO kLvsnftAddrProto and ipip devices named like lvsnft's tunnels
/// (lvt-XXXXXXXX). Returns how many were added.
size_t AdoptOwned(DirectorState& st, const std::vector<Link>& links,
                  const std::vector<Addr>& addrs);

/// Compares the host with `h`. Errors: a device the plan needs is missing,
/// or a device with a tunnel's name exists but is not an ipip device.
Result<HostDiff> DiffHost(const plan::HostPlan& h, const DirectorState& st,
                          HostNet& net, Sysctls& sys);

/// Creates the missing tunnels (before the transaction: fwd rules refer to
/// their ifindex); records them in `st` and adds them to `diff.ifindex`.
/// On failure removes what it created and returns the error.
Status CreateTunnels(HostDiff& diff, DirectorState& st, HostNet& net);

/// Undoes CreateTunnels after a failed transaction.
void RemoveCreatedTunnels(const HostDiff& diff, DirectorState& st,
                          HostNet& net);

/// After a committed transaction: adds VIPs, sets sysctls (remembering old
/// values), deletes tunnels and addresses the plan no longer needs.
Status FinishHost(const HostDiff& diff, DirectorState& st, HostNet& net,
                  Sysctls& sys);

/// Removes everything `st` records or AdoptOwned finds and restores
/// remembered sysctls.
/// Returns the changes made; continues past errors, reporting the first.
Status UndoHost(DirectorState& st, HostNet& net, Sysctls& sys,
                std::vector<HostChange>& done);

}  // namespace lvsnft::netlink
