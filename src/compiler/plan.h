// The lowered plan: every nftables object lvsnft wants in the kernel plus
// the host objects (addresses, sysctls, tunnel devices) around them.
//
// The plan is the single source of truth. The nft text renderer, the nft
// JSON renderer and the netlink batch builder all read it, so that
// `lvsnft compile | nft -f -` and `lvsnft apply` cannot drift apart.
//
// Rules are made of a small closed vocabulary of statements (Stmt). Each
// statement maps to exactly one nft text form, one nft JSON form and one
// sequence of netlink expressions (the one nft itself would generate).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/addr.h"
#include "base/bytes.h"

namespace lvsnft::plan {

/// nftables table family used by lvsnft.
enum class TableFamily { kInet, kNetdev };

/// Scalar data types of set keys and map data (nft type names).
enum class DataType : uint8_t {
  kInetProto,    ///< inet_proto: 1 byte.
  kIpv4Addr,     ///< ipv4_addr: 4 bytes, network order.
  kIpv6Addr,     ///< ipv6_addr: 16 bytes, network order.
  kInetService,  ///< inet_service: 2 bytes, network order.
  kMark,         ///< mark: 4 bytes, host order.
};

/// A typed scalar in kernel byte layout (unpadded); held inline.
struct Value {
  DataType type = DataType::kMark;
  SmallBytes bytes;
  bool operator==(const Value&) const = default;
};

/// Value constructors.
Value ProtoValue(uint8_t proto);
Value AddrValue(const IpAddr& a);
Value PortValue(uint16_t port);
Value MarkValue(uint32_t mark);

/// Verdict kinds used in rules and verdict maps.
enum class VerdictKind { kAccept, kDrop, kJump, kGoto, kReturn };

/// A verdict; `chain` is set for jump and goto.
struct Verdict {
  VerdictKind kind = VerdictKind::kAccept;
  std::string chain;
  bool operator==(const Verdict&) const = default;
};

/// Packet and connection fields that rules read.
enum class Field {
  kMetaNfproto,   ///< meta nfproto (1 byte): inet tables.
  kMetaProtocol,  ///< meta protocol (ethertype, 2 bytes BE): netdev tables.
  kMetaL4proto,   ///< meta l4proto (1 byte).
  kMetaMark,      ///< meta mark (4 bytes host order).
  kCtMark,        ///< ct mark (4 bytes host order).
  kIpSaddr,
  kIpDaddr,
  kIp6Saddr,
  kIp6Daddr,
  kThSport,  ///< th sport: transport source port.
  kThDport,  ///< th dport: transport destination port.
};

/// A field, optionally ANDed with a mask (`ip saddr & 255.255.255.0`).
struct FieldRef {
  Field field = Field::kMetaMark;
  std::vector<uint8_t> mask;  ///< Empty: no mask.
  bool operator==(const FieldRef&) const = default;
};

/// A lookup key: one field or a concatenation of several.
using Key = std::vector<FieldRef>;

// ---- Statements ---------------------------------------------------------

/// `FIELD == VALUE` (e.g. meta l4proto tcp, meta nfproto ipv4).
struct Match {
  FieldRef field;
  Value value;
  bool operator==(const Match&) const = default;
};

/// `KEY @set` (set membership).
struct Lookup {
  Key key;
  std::string set;
  bool operator==(const Lookup&) const = default;
};

/// `KEY vmap @set`.
struct VmapLookup {
  Key key;
  std::string set;
  bool operator==(const VmapLookup&) const = default;
};

/// numgen inc|random mod N offset B.
struct Numgen {
  bool random = false;
  uint32_t mod = 1;
  uint32_t offset = 0;
  bool operator==(const Numgen&) const = default;
};

/// jhash KEY mod N seed S offset B.
struct Jhash {
  Key key;
  uint32_t mod = 1;
  uint32_t seed = 0;
  uint32_t offset = 0;
  bool operator==(const Jhash&) const = default;
};

/// FIELD map @set: looks the field up in a map and yields its data.
struct MapOf {
  Field field = Field::kMetaMark;
  std::string set;
  bool operator==(const MapOf&) const = default;
};

/// Value source for mark assignments.
using MarkSource = std::variant<uint32_t, Numgen, Jhash, MapOf>;

/// `meta mark set SRC` or `ct mark set SRC`.
struct SetMark {
  Field target = Field::kMetaMark;  ///< kMetaMark or kCtMark.
  MarkSource source;
  bool operator==(const SetMark&) const = default;
};

/// `update @set { KEY [timeout T] }` (dynamic set insert/refresh).
struct Update {
  std::string set;
  Key key;
  uint64_t timeout_ms = 0;  ///< 0: the set's default timeout.
  bool operator==(const Update&) const = default;
};

/// NAT kinds.
enum class NatKind { kDnat, kSnat, kMasquerade };

/// NAT target: one address, mark-keyed maps, or a round robin over a list.
/// `FIELD map @set [: FIELD map @port_set]`: separate address and port maps
/// because nft 1.0.6 JSON cannot declare maps with concatenated data.
struct NatAddrMap {
  Field field = Field::kCtMark;
  std::string set;       ///< mark -> address.
  std::string port_set;  ///< mark -> inet_service; "" keeps the port.
  bool operator==(const NatAddrMap&) const = default;
};
struct NatRoundRobin {
  std::vector<IpAddr> addrs;  ///< numgen inc mod N map { 0 : a, ... }.
  bool operator==(const NatRoundRobin&) const = default;
};
using NatTarget =
    std::variant<std::monostate, IpAddr, NatAddrMap, NatRoundRobin>;

/// dnat/snat/masquerade.
struct Nat {
  NatKind kind = NatKind::kDnat;
  IpFamily family = IpFamily::kV4;
  NatTarget target;  ///< monostate for masquerade.
  bool operator==(const Nat&) const = default;
};

/// `fwd ip|ip6 to ADDR device "DEV"` (netdev neighbour forwarding).
struct Fwd {
  IpAddr to;
  std::string device;
  bool operator==(const Fwd&) const = default;
};

/// `counter`.
struct Counter {
  bool operator==(const Counter&) const = default;
};

/// One statement of a rule.
using Stmt = std::variant<Match, Lookup, VmapLookup, SetMark, Update, Nat, Fwd,
                          Counter, Verdict>;

/// A rule: statements evaluated left to right, plus a readable comment.
struct Rule {
  std::vector<Stmt> stmts;
  std::string comment;  ///< Rendered as `comment "..."`; names the owner.
  std::string service;  ///< Owning service ("" = shared plumbing).
  bool operator==(const Rule&) const = default;
};

// ---- Containers ---------------------------------------------------------

/// Hook of a base chain.
enum class Hook {
  kPrerouting,
  kInput,
  kForward,
  kOutput,
  kPostrouting,
  kIngress
};

/// Base-chain properties; absent for regular chains.
struct BaseChain {
  std::string type = "filter";  ///< "filter" or "nat".
  Hook hook = Hook::kPrerouting;
  int priority = 0;
  std::string device;  ///< netdev ingress only.
  bool operator==(const BaseChain&) const = default;
};

/// A chain and its rules in order.
struct Chain {
  std::string name;
  std::optional<BaseChain> base;
  std::string comment;
  std::string service;  ///< Owning service ("" = shared plumbing).
  std::vector<Rule> rules;
};

/// One set or map element. Ranges (interval sets) use key_end.
struct Element {
  std::vector<Value> key;          ///< One value per key component.
  std::vector<Value> key_end;      ///< Interval sets: inclusive upper end.
  std::vector<Value> data;         ///< Maps with scalar/concat data.
  std::optional<Verdict> verdict;  ///< Verdict maps.
  std::string service;             ///< Owning service (diff grouping).
  std::string real_server;         ///< Owning real server, if any.
  bool operator==(const Element&) const = default;
};

/// The real servers one service's slots are spread over: which server owns
/// each slot, and the servers' labels. Every slot map of the service (be4,
/// bep, canon) points at the same one instead of holding a copy.
struct SlotServers {
  std::vector<uint32_t> owner;      ///< Per slot: index of its server.
  std::string labels;               ///< The servers' labels, back to back.
  std::vector<uint32_t> label_end;  ///< Per server: end of its label.

  /// Appends a server labelled `label` (its index is size() before).
  void Add(std::string_view label);
  /// Number of servers.
  size_t size() const { return label_end.size(); }
  /// Label of server `r` (diff grouping: "10.0.0.1:8080").
  std::string_view Label(size_t r) const;
  bool operator==(const SlotServers&) const = default;
};

/// The slot elements of one service's slots in one map, in compact form:
/// slot i has the key MarkValue(base + i) and the data of its server,
/// servers->owner[i]. A Maglev table (thousands of slots) costs 4 bytes a
/// slot here, shared by the service's maps; every server's data is one
/// scalar of `type`, stored back to back. The elements are made one at a
/// time by whoever renders or encodes them (SlotElement).
struct SlotTable {
  std::string service;  ///< Owning service.
  uint32_t base = 0;    ///< Mark of slot 0.
  std::shared_ptr<const SlotServers> servers;
  DataType type = DataType::kMark;  ///< Type of every server's data.
  std::vector<uint8_t> data;        ///< DataTypeLen(type) bytes a server.

  /// Appends the data of the next server (v.type must be `type`).
  void AddData(const Value& v);
  /// Number of slots (elements).
  size_t size() const { return servers ? servers->owner.size() : 0; }
  /// Number of servers whose data is stored.
  size_t DataCount() const;
  /// The data of server `r` as a value.
  Value Data(size_t r) const;
  /// The label of the server owning slot `i`.
  std::string_view RealServer(size_t i) const {
    return servers->Label(servers->owner[i]);
  }
  /// Same slots, servers and data (the servers compared by content).
  bool operator==(const SlotTable& o) const;
};

/// A named set or map.
struct Set {
  std::string name;
  std::vector<DataType> key;
  std::vector<DataType> data;  ///< Empty and !verdict_map: a plain set.
  bool verdict_map = false;
  bool interval = false;
  bool dynamic = false;  ///< Updated from the packet path (flags dynamic).
  bool timeout = false;  ///< Elements expire (flags timeout).
  bool counter = false;  ///< Per-element counters.
  uint64_t timeout_ms = 0;
  uint32_t size = 0;  ///< 0: unlimited.
  std::string comment;
  std::vector<Element> elements;
  /// Further elements, in compact form; they follow `elements` in order.
  std::vector<SlotTable> slot_tables;
};

/// A table owned by lvsnft.
struct Table {
  TableFamily family = TableFamily::kInet;
  std::string name;
  std::string comment;  ///< Marks the table as lvsnft's.
  std::vector<Set> sets;
  std::vector<Chain> chains;
};

// ---- Host objects -------------------------------------------------------

/// An address lvsnft puts on a director interface (the VIPs).
struct HostAddress {
  std::string device;
  IpAddr addr;
  int prefix = 32;
  std::string service;
};

/// A sysctl lvsnft wants at a value (path below /proc/sys).
struct Sysctl {
  std::string path;  ///< e.g. "net/ipv4/ip_forward".
  std::string value;
};

/// A per-real-server ipip device for TUN mode.
struct Tunnel {
  std::string name;  ///< <= 15 bytes, deterministic from the RS address.
  IpAddr remote;
  std::optional<IpAddr> local;
  std::vector<std::string> services;
};

/// Everything outside nftables that the director needs.
struct HostPlan {
  std::vector<HostAddress> addresses;
  std::vector<Sysctl> sysctls;
  std::vector<Tunnel> tunnels;
};

/// The complete desired state of a director.
struct Plan {
  std::vector<Table> tables;
  HostPlan host;
};

/// Table names and comments: the ownership contract with the kernel.
inline constexpr const char* kNatTable = "lvsnft";
inline constexpr const char* kNetdevTable = "lvsnft";
inline constexpr const char* kOwnerComment = "managed by lvsnft";

/// Element i of a slot table.
Element SlotElement(const SlotTable& t, size_t i);
/// Number of elements of a set: explicit ones plus every slot table's.
size_t ElementCount(const Set& s);
/// True when the set has no element at all.
inline bool NoElements(const Set& s) { return ElementCount(s) == 0; }
/// Calls fn(element) for every element of the set in order: `elements`,
/// then the slot tables' elements, each made on the fly.
template <typename Fn>
void ForEachElement(const Set& s, Fn&& fn) {
  for (const Element& e : s.elements) fn(e);
  for (const SlotTable& t : s.slot_tables) {
    for (size_t i = 0; i < t.size(); ++i) fn(SlotElement(t, i));
  }
}
/// Moves every slot table of the plan into ordinary elements (for code
/// that wants plan elements only, such as tests' oracles; apply, diff and
/// the daemon read the compact tables).
void ExpandSlotTables(Plan& p);

/// nft type name ("ipv4_addr", ...).
const char* DataTypeName(DataType t);
/// Unpadded length in bytes of a value of type t.
size_t DataTypeLen(DataType t);
/// nft hook name ("prerouting", ...).
const char* HookName(Hook h);
/// nft family keyword ("inet", "netdev").
const char* FamilyKeyword(TableFamily f);

/// The item of `items` (anything with a `name`) called `name`, or nullptr.
template <typename T>
const T* FindNamed(const std::vector<T>& items, std::string_view name) {
  for (const auto& x : items) {
    if (x.name == name) return &x;
  }
  return nullptr;
}
/// The set of `t` called `name`, or nullptr.
const Set* FindSet(const Table& t, std::string_view name);
/// The chain of `t` called `name`, or nullptr.
const Chain* FindChain(const Table& t, std::string_view name);
/// The tunnel of `h` called `name`, or nullptr.
const Tunnel* FindTunnel(const HostPlan& h, std::string_view name);
/// Mutable variant of FindTunnel (while the host plan is built).
Tunnel* FindTunnel(HostPlan& h, std::string_view name);

}  // namespace lvsnft::plan
