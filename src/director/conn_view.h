// lvsnft's connections as `ipvsadm -Lnc` shows them: NAT/FULLNAT entries of
// conntrack (found by their ct mark, a scheduler slot) and DR/TUN entries of
// the flow table, each named with its service and real server.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "director/flows.h"
#include "director/status.h"
#include "kernel/conntrack.h"
#include "kernel/delta.h"

namespace lvsnft::netlink {

/// One connection (NAT/FULLNAT) or flow (DR/TUN).
struct ConnRow {
  std::string service, mode, protocol;
  std::string state;        ///< conntrack's state; DR/TUN: "FLOW".
  uint64_t expires_ms = 0;  ///< Time left before the entry expires.
  std::string client, vip;  ///< "ADDR:PORT" ([v6]:port).
  std::string server;       ///< The real server's "ADDR:PORT".
};

/// Service and real server (its status label) of a slot mark.
struct SlotOwner {
  std::string service, server;
};

/// The owners of every slot in the slot maps (be4, be6) of `desired`.
std::map<uint32_t, SlotOwner> SlotOwners(
    const std::vector<DesiredTable>& desired);

/// Sets active / inactive on every real server of the NAT and FULLNAT
/// services of `s` from the conntrack entries (zero when it has none).
void AddConnStates(const std::map<uint32_t, SlotOwner>& owners,
                   const std::vector<CtEntry>& ct, DirectorStatus& s);

/// The rows of `ct` entries whose mark is a slot of a service of `s`.
std::vector<ConnRow> ConnRows(const std::map<uint32_t, SlotOwner>& owners,
                              const std::vector<CtEntry>& ct,
                              const DirectorStatus& s);

/// The rows of DR/TUN flows.
std::vector<ConnRow> FlowRows(const std::vector<Flow>& flows);

/// "ADDR:PORT", with IPv6 addresses in brackets.
std::string Endpoint(const IpAddr& a, uint16_t port);

/// Text like ipvsadm -Lnc: one header line, one line a row.
std::string RenderConnsText(const std::vector<ConnRow>& rows);
/// The same as a JSON array.
std::string RenderConnsJson(const std::vector<ConnRow>& rows);

}  // namespace lvsnft::netlink
