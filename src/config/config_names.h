// The vocabulary of config v1: the keys every object accepts and the names
// every enumeration accepts. The parser reads these tables, ModeName() and
// friends index them, and the schema test compares them with
// schema/lvsnft-config.schema.json so that the two cannot drift apart.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace lvsnft::names {

/// Accepted "mode" values, indexed by Mode.
inline constexpr std::array<std::string_view, 4> kModes = {"nat", "dr", "tun",
                                                           "fullnat"};
/// Accepted "protocol" values, indexed by Proto.
inline constexpr std::array<std::string_view, 3> kProtocols = {"tcp", "udp",
                                                               "sctp"};
/// Accepted "scheduler" values, indexed by Scheduler.
inline constexpr std::array<std::string_view, 6> kSchedulers = {
    "rr", "wrr", "random", "sh", "dh", "mh"};
/// Accepted real-server "state" values, indexed by RsState.
inline constexpr std::array<std::string_view, 3> kRsStates = {"up", "drain",
                                                              "down"};

/// Keys of the top-level object ("$schema": where editors find the JSON
/// Schema; ignored like every "comment").
inline constexpr std::array<std::string_view, 5> kConfigKeys = {
    "version", "director", "services", "$schema", "comment"};
/// Keys of "director".
inline constexpr std::array<std::string_view, 6> kDirectorKeys = {
    "interface",    "local_addresses", "manage_vips",
    "flow_timeout", "flow_table_size", "comment"};
/// Keys of a service.
inline constexpr std::array<std::string_view, 11> kServiceKeys = {
    "name",        "vip",          "protocol",      "ports",
    "mode",        "scheduler",    "mh_table_size", "mh_port",
    "persistence", "real_servers", "comment"};
/// Keys of "persistence".
inline constexpr std::array<std::string_view, 3> kPersistenceKeys = {
    "timeout", "netmask", "comment"};
/// Keys of a real server.
inline constexpr std::array<std::string_view, 5> kRealServerKeys = {
    "address", "port", "weight", "state", "comment"};

/// An object kind of the config and the keys it accepts. `kind` is the
/// name used in messages and the schema's $defs name ("config" = root).
struct KeyTable {
  std::string_view kind;
  std::span<const std::string_view> keys;
};

/// Every object kind of config v1.
inline constexpr std::array<KeyTable, 5> kKeyTables = {{
    {"config", kConfigKeys},
    {"director", kDirectorKeys},
    {"service", kServiceKeys},
    {"persistence", kPersistenceKeys},
    {"real_server", kRealServerKeys},
}};

/// A string-valued key and the names it accepts.
struct EnumTable {
  std::string_view key;
  std::span<const std::string_view> values;
};

/// Every enumeration of config v1, by key name.
inline constexpr std::array<EnumTable, 4> kEnumTables = {{
    {"protocol", kProtocols},
    {"mode", kModes},
    {"scheduler", kSchedulers},
    {"state", kRsStates},
}};

}  // namespace lvsnft::names
