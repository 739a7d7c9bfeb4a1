// `lvsnft status`: an `ipvsadm -Ln --stats`-like view built from the live
// tables' counters, named with the config that was last applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan.h"
#include "config/config.h"
#include "kernel/delta.h"
#include "kernel/live.h"

namespace lvsnft::netlink {

/// One real server of a service.
struct RsStatus {
  std::string address;  ///< "192.168.1.10:8080".
  uint32_t weight = 0;
  std::string state;     ///< up / drain / down.
  size_t slots = 0;      ///< Scheduler slots it owns (0: no new flows).
  uint64_t conns = 0;    ///< New connections (NAT) / new flows (DR, TUN).
  uint64_t packets = 0;  ///< DR/TUN: packets forwarded to it (all services).
  uint64_t bytes = 0;
  /// ipvsadm's ActiveConn: NAT/FULLNAT: tracked TCP connections in state
  /// ESTABLISHED; DR/TUN: flows in the flow table. Unset: not read.
  std::optional<uint64_t> active = std::nullopt;
  /// ipvsadm's InActConn (NAT/FULLNAT): every other tracked connection
  /// (other TCP states, UDP). Unset: not read (or DR/TUN).
  std::optional<uint64_t> inactive = std::nullopt;
  /// Set when a runtime override (lvsnft ctl) changes the weight / state:
  /// the value the config file gives (weight and state are the effective
  /// ones).
  std::optional<uint32_t> file_weight = std::nullopt;
  std::optional<std::string> file_state = std::nullopt;
};

/// One virtual service.
struct ServiceStatus {
  std::string name, mode, protocol, vip, ports, scheduler;
  bool live = false;     ///< Its chain exists in the kernel.
  uint64_t conns = 0;    ///< NAT: new connections dispatched.
  uint64_t packets = 0;  ///< DR/TUN: packets dispatched (every packet).
  uint64_t bytes = 0;
  std::vector<RsStatus> servers;
  /// False: the remembered config does not describe what the kernel runs
  /// (scheduler and servers unknown; what is shown comes from the kernel).
  bool labelled = true;
};

/// The whole director.
struct DirectorStatus {
  std::vector<ServiceStatus> services;
  uint32_t genid = 0;
  bool config_known = true;         ///< False: no applied config remembered.
  std::vector<std::string> tables;  ///< Live lvsnft tables ("inet lvsnft").
  /// Slot elements in the kernel that no rule of the config reaches, left
  /// by an apply for the next one to remove.
  size_t stale_slots = 0;
};

/// The services the kernel runs (ServicesInKernel: name, mode, protocol,
/// VIP, ports), labelled with the applied config (scheduler, servers,
/// counters through its desired encoding) only where the config agrees
/// with the kernel; config services the kernel lacks are listed as not in
/// the kernel.
DirectorStatus BuildStatus(const Config& cfg,
                           const std::vector<DesiredTable>& desired,
                           const std::vector<LiveTable>& live, uint32_t genid);

/// "stale slots awaiting collection: N (...)" and a newline, or "" for
/// none (status, diff and apply print the same line).
std::string StaleSlotsNote(size_t n);

/// Text table like ipvsadm -Ln --stats; overridden weights and states
/// carry a "*" explained by a footnote.
std::string RenderStatusText(const DirectorStatus& s);
/// The same as JSON; an overridden server has "override": {"weight",
/// "file_weight", "state", "file_state"} (the overridden fields).
std::string RenderStatusJson(const DirectorStatus& s);

}  // namespace lvsnft::netlink
