// Shared pieces of the lowering: slot blocks, server selection, identifiers
// and small plan-building helpers. Internal to src/compiler.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan.h"
#include "config/config.h"

namespace lvsnft::lower {

/// Slot marks live in [kSlotRegionStart, kSlotRegionStart + 2^30), in units
/// of kSlotUnit marks. A service's block is placed by a hash of its name so
/// that changing one service never renumbers another (incremental apply).
inline constexpr uint32_t kSlotRegionStart = 0x40000000u;
inline constexpr uint32_t kSlotUnit = 4096;
inline constexpr uint32_t kSlotUnits = 1u << 18;

/// A contiguous range of slot marks owned by one service.
struct SlotBlock {
  uint32_t base = 0;  ///< First mark.
  uint32_t size = 0;  ///< Number of slots actually used.
};

/// Units of kSlotUnit marks a block of `slots` slots takes (a power of 2).
uint32_t UnitsFor(uint32_t slots);

/// Places one block per (service name, slots needed); services needing no
/// slot get none. Deterministic and independent of the input order.
std::map<std::string, SlotBlock> AllocateSlots(
    const std::map<std::string, uint32_t>& needs);

/// Servers that take new connections: state up and weight > 0.
std::vector<const RealServer*> ActiveServers(const Service& s);
/// Servers that still carry traffic: up or drain (not down).
std::vector<const RealServer*> LiveServers(const Service& s);

/// For each slot of the service's block, the index into ActiveServers(s)
/// that owns it, according to the scheduler (rr, wrr/random sequence, or
/// the Maglev table for sh/dh/mh). Empty when no server is active.
std::vector<uint32_t> SlotOwners(const Service& s);
/// The owners of the service's slots (SlotOwners) and the labels of its
/// active servers, `active` = ActiveServers(s); shared by its slot maps.
std::shared_ptr<const plan::SlotServers> SlotServersOf(
    const Service& s, const std::vector<const RealServer*>& active);
/// SlotOwners(s).size(), without building a Maglev table.
uint32_t SlotCount(const Service& s);

/// Identity of a real server inside a service: "192.168.1.10:8080",
/// "[2001:db8::10]:80", or the address alone when no port is given.
std::string RsLabel(const RealServer& rs);
/// Appends RsLabel(rs) to `out` (no temporary string).
void AppendRsLabel(std::string& out, const RealServer& rs);

/// The jhash seed of a service (from its name: equal on every director).
uint32_t ServiceSeed(const Service& s);

/// Stable non-zero 32-bit id of a forwarding target (address + device).
uint32_t TargetId(const IpAddr& addr, const std::string& device);

/// Per-real-server ipip device name for TUN: "lvt-" + 8 hex digits.
std::string TunnelName(const IpAddr& rs);
/// True for names TunnelName makes (how destroy recognises lvsnft's ipip
/// devices without the state file).
bool IsTunnelName(std::string_view name);

/// Forwarding sysctls (paths below /proc/sys) NAT/FULLNAT need.
inline constexpr const char* kIpv4Forward = "net/ipv4/ip_forward";
inline constexpr const char* kIpv6Forward = "net/ipv6/conf/all/forwarding";

/// Chain names.
std::string ServiceChain(const Service& s);
std::string TargetChain(const IpAddr& addr, const std::string& device);

/// A FieldRef without mask.
plan::FieldRef F(plan::Field f);
/// Source / destination address field of a family.
plan::Field SaddrField(IpFamily f);
plan::Field DaddrField(IpFamily f);
/// Netmask bytes for a prefix ("" when the prefix covers the address).
std::vector<uint8_t> PrefixMask(IpFamily f, int prefix);

/// Suffix "4" or "6" used in set names.
const char* FamilySuffix(IpFamily f);

/// "1 server", "3 servers".
std::string Servers(size_t n);

/// Human summary of a service for comments: "nat tcp 192.168.10.100:80 wrr".
std::string ServiceSummary(const Service& s);

}  // namespace lvsnft::lower
