// The difference between the host and the desired state, as an ordered list
// of changes. Pure: the host is given as a Snapshot.
//
// Order (safe for both directions): load ipip; remove owned addresses that
// are no longer wanted; sysctls (so ARP is suppressed before a VIP appears,
// and restored only after it is gone); link state; new addresses last.
// Undo is the same computation with an empty desired state.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/sysctls.h"
#include "rs/desired.h"
#include "rs/state.h"

namespace lvsnft::rs {

/// The host as seen before a change.
struct Snapshot {
  HostView host;
  std::map<std::string, netlink::SysctlValue> sysctls;  ///< Paths read.
};

/// Kinds of host changes.
enum class ChangeKind {
  kLoadIpip,       ///< Create + delete a probe ipip device (loads ipip).
  kCreateTunl0,    ///< ipip loaded but no tunl0: create it (any/any).
  kDeleteAddress,  ///< Remove an owned address no longer wanted.
  kSetSysctl,      ///< Write `to` (was `from`).
  kLinkDown,       ///< Set an owned link down again.
  kDeleteLink,     ///< Delete a link rs-setup created.
  kLinkUp,         ///< Set a link up.
  kAddAddress,     ///< Add an address.
};

/// One change.
struct Change {
  ChangeKind kind = ChangeKind::kSetSysctl;
  std::string device;  ///< Address and link changes.
  IpAddr addr;
  int prefix = 0;
  std::string path;  ///< kSetSysctl.
  std::string from;  ///< kSetSysctl: current value ("" if absent).
  bool from_exists = true;
  std::string to;        ///< kSetSysctl: new value.
  bool restore = false;  ///< Returns an owned object to its saved state.
  bool operator==(const Change&) const = default;
};

/// Sysctl paths whose values the diff needs (desired + owned).
std::vector<std::string> PathsToRead(const Desired& d, const State& s);

/// Changes that bring `snap` to `d`, restoring owned objects of `s` that
/// `d` no longer wants.
std::vector<Change> Diff(const Desired& d, const Snapshot& snap,
                         const State& s);

/// `s` plus records for `changes` (old sysctl values not yet saved, added
/// addresses, links set up or created): saved before applying them.
State WithIntent(const State& s, const std::vector<Change>& changes);

/// The state after all of `changes` succeeded: WithIntent minus everything
/// `d` does not want any more.
State AfterApply(const State& s, const std::vector<Change>& changes,
                 const Desired& d);

/// Imperative text: "add 10.0.0.1/32 to lo",
/// "set net.ipv4.conf.all.arp_ignore = 1 (was 0)".
std::string ChangeText(const Change& c);

/// Stable machine name of a kind for JSON output: "add_address",
/// "set_sysctl", ... (snake case of the enumerator).
std::string_view ChangeOpName(ChangeKind k);

/// Drift text for --check: "10.0.0.1/32 is missing on lo",
/// "net.ipv4.conf.all.arp_ignore is 0, want 1".
std::string DriftText(const Change& c);

/// Name of the probe device used to load the ipip module.
inline constexpr const char* kProbeLink = "lvsnft-probe";

}  // namespace lvsnft::rs
