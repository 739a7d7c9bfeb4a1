// The oracle cases: each is one table written twice, as hand-written nft
// text and in plan vocabulary. tests/kernel/nftnl_oracle.test.sh loads the
// text with `nft --debug=netlink -c -f` and compares nft's bytecode with
// what lvsnft builds from the plan.
#pragma once

#include <string>
#include <vector>

#include "compiler/plan.h"

namespace lvsnft::testing {

/// One table, as nft text and as plan.
struct OracleCase {
  std::string name;  ///< File-name safe identifier.
  std::string desc;  ///< What the case covers.
  plan::Table table;
  std::string nft;  ///< The same table as `nft -f` input.
};

/// Cases for `table inet` (NAT / FULLNAT layouts and every field form).
std::vector<OracleCase> InetOracleCases();

/// The IPv6 inet case (nft_oracle_inet_fields.cc).
std::vector<OracleCase> InetV6OracleCases();

/// The inet cases of field forms and interval sets
/// (nft_oracle_inet_fields.cc).
std::vector<OracleCase> InetFieldOracleCases();

/// Cases for `table netdev` (DR / TUN layouts); they use the device "vA".
std::vector<OracleCase> NetdevOracleCases();

/// The device netdev cases attach to and forward through.
inline constexpr const char* kOracleDevice = "vA";

}  // namespace lvsnft::testing
