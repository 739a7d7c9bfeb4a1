// A small strict RFC 8259 JSON reader that remembers where every value was
// found (line, column and JSON pointer), so that configuration errors can
// point at the exact offending value. nlohmann::json keeps no positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diag.h"

namespace lvsnft::json {

/// Kind of a JSON value.
enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

/// Limits that keep hostile input from exhausting the stack or memory.
inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxInputBytes = 8u << 20;
inline constexpr size_t kMaxValues = 1000000;

struct Member;

/// One JSON value with its position in the input.
struct Value {
  Type type = Type::kNull;
  bool boolean = false;            ///< kBool: the value.
  std::string text;                ///< kString: decoded; kNumber: as written.
  std::optional<int64_t> integer;  ///< kNumber without fraction/exponent
                                   ///< that fits in int64.
  bool integral = false;        ///< kNumber written without fraction/exponent.
  std::vector<Value> items;     ///< kArray elements.
  std::vector<Member> members;  ///< kObject members in input order.
  SourceLoc loc;                ///< First character of the value.
  std::string pointer;          ///< RFC 6901 pointer ("" = root).

  /// The member named `key`, or nullptr (objects only).
  const Value* Find(std::string_view key) const;
};

/// An object member: key, where the key was written, and the value.
struct Member {
  std::string key;    ///< Decoded key text.
  SourceLoc key_loc;  ///< The key's opening quote.
  Value value;        ///< The member's value (pointer ends in the key).
};

/// Parses `text` as one JSON document. Syntax errors (the first one; JSON
/// cannot be resynchronised reliably), duplicate keys (all of them), nesting
/// deeper than kMaxDepth and inputs over kMaxInputBytes or kMaxValues
/// values are reported to `diags`;
/// returns nullopt when any was found.
std::optional<Value> Parse(std::string_view text, Diagnostics& diags);

/// Appends `key` to `pointer`, escaping '~' and '/' as RFC 6901 requires.
std::string JoinPointer(const std::string& pointer, std::string_view key);

/// Human description of a value for messages: `null`, `true`,
/// `number 1.5`, `string "abc"` (shortened), `an array`, `an object`.
std::string ValueText(const Value& v);

/// Name of a type with an article: "a string", "an object", ...
const char* TypeName(Type t);

/// `s` in double quotes for messages, control characters escaped and
/// shortened to about `max` bytes ("..." appended).
std::string Quote(std::string_view s, size_t max = 40);

}  // namespace lvsnft::json
