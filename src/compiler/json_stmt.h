// Building blocks of the nft JSON renderer: plan values, fields, keys and
// statements as libnftables JSON, in the forms that Debian 12's nft 1.0.6
// accepts with `nft -j -f` (see docs/JSON.md for the verified forms).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "compiler/plan.h"

namespace lvsnft::nftjson {

/// A typed value as used in set elements: names for the well-known
/// protocols, dotted/colon text for addresses, integers for ports and marks.
nlohmann::json ValueJson(const plan::Value& v);

/// A packet or connection field (`{"meta": {"key": "mark"}}`, ...).
nlohmann::json FieldJson(plan::Field f);

/// A field ANDed with its mask if it has one (`{"&": [FIELD, MASK]}`).
nlohmann::json FieldRefJson(const plan::FieldRef& f);

/// A value compared with or masked onto field `f`, read in the field's
/// kernel byte layout (e.g. `meta protocol` takes a big-endian ethertype,
/// `meta nfproto` one NFPROTO_* byte) whatever the value's declared type.
nlohmann::json FieldValueJson(plan::Field f, std::span<const uint8_t> b);

/// A lookup key: one field, or `{"concat": [...]}` of several.
nlohmann::json KeyJson(const plan::Key& k);

/// A verdict statement or verdict map datum (`{"accept": null}`,
/// `{"goto": {"target": "c"}}`, ...).
nlohmann::json VerdictJson(const plan::Verdict& v);

/// Seconds from milliseconds, rounded up: the JSON parser of nft 1.0.6 reads
/// every timeout as whole seconds.
uint64_t TimeoutSeconds(uint64_t ms);

/// One rule statement.
nlohmann::json StmtJson(const plan::Stmt& s);

}  // namespace lvsnft::nftjson
