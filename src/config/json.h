// A small strict RFC 8259 JSON reader that remembers where every value was
// found (line and column; the JSON pointer is derived on demand from parent
// links), so that configuration errors can point at the exact offending
// value. nlohmann::json keeps no positions.
//
// Values are compact: strings and numbers view the input text (only
// strings with escapes are decoded into storage of their Document), and
// the children of a container lie in one contiguous block. A Document
// therefore must not outlive the text it was parsed from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diag.h"
#include "config/pointer.h"

namespace lvsnft::json {

/// Kind of a JSON value.
enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

/// Limits that keep hostile input from exhausting the stack or memory.
/// The defaults admit a pretty-printed 100k-service x 10-real-server config
/// (about 125 MB, 5M values) with room to spare; README.md "Limits".
struct Limits {
  int depth = 64;                   ///< Nesting of arrays and objects.
  size_t input_bytes = 256u << 20;  ///< Size of the whole input.
  size_t values = 16u << 20;        ///< Values of every kind, counted.
};
inline constexpr Limits kDefaultLimits{};
inline constexpr int kMaxDepth = kDefaultLimits.depth;
inline constexpr size_t kMaxInputBytes = kDefaultLimits.input_bytes;
inline constexpr size_t kMaxValues = kDefaultLimits.values;

struct Member;

/// One JSON value with its position in the input.
struct Value {
  Type type = Type::kNull;
  bool boolean = false;        ///< kBool: the value.
  bool integral = false;       ///< kNumber written without fraction/exponent.
  uint32_t count = 0;          ///< kArray/kObject: number of children.
  SourceLoc loc;               ///< First character of the value.
  std::string_view text;       ///< kString: decoded; kNumber: as written.
  const void* kids = nullptr;  ///< Children block (Value or Member).
  const Value* parent = nullptr;  ///< Enclosing container; null at root.

  /// kNumber without fraction/exponent that fits in int64: its value.
  std::optional<int64_t> integer() const;
  /// kArray elements (empty for other types).
  std::span<const Value> items() const;
  /// kObject members in input order (empty for other types).
  std::span<const Member> members() const;
  /// The member named `key`, or nullptr (objects only).
  const Value* Find(std::string_view key) const;
  /// Where this value is, in compact form.
  JsonPointer Path() const;
  /// Appends the tokens of Path() to `out`.
  void AppendPath(JsonPointer& out) const;
  /// Appends the last token of Path() alone (nothing at the root): the
  /// path of a child whose parent's path is known.
  void AppendStep(JsonPointer& out) const;
  /// RFC 6901 pointer text ("" = root).
  std::string Pointer() const { return Path().str(); }
};

/// An object member: key, where the key was written, and the value.
struct Member {
  std::string_view key;  ///< Decoded key text.
  SourceLoc key_loc;     ///< The key's opening quote.
  Value value;           ///< The member's value.
};

/// A parsed JSON text: the root value and the storage of all values.
class Document {
 public:
  /// The top-level value.
  const Value& root() const { return *root_; }

 private:
  friend class Builder;
  std::unique_ptr<Value> root_ = std::make_unique<Value>();
  std::vector<std::unique_ptr<Value[]>> item_blocks_;
  std::vector<std::unique_ptr<Member[]>> member_blocks_;
  std::deque<std::string> decoded_;  ///< Strings that had escapes.
};

/// Takes the elements of one array of the top-level object while they are
/// read, so that a caller can turn each into its own model at once and the
/// tree never holds them all (a config's services are most of its values).
class ItemSink {
 public:
  virtual ~ItemSink() = default;
  /// The top-level member whose array value is streamed ("services").
  virtual std::string_view key() const = 0;
  /// Element `index` of that array, complete and checked. `item` and
  /// everything under it is gone after the call; its Path() is relative
  /// to the element (the element itself has no parent).
  virtual void Take(const Value& item, size_t index) = 0;
  /// Asked before element `index`, which starts at byte `at`: the offset
  /// just past the array's last element when the caller reads the
  /// elements from `index` on itself (the reader goes on from there), or
  /// 0 to read element `index` as usual. The skipped bytes must hold no
  /// carriage return (lines are counted by '\n' there).
  virtual size_t Skip(size_t /*index*/, size_t /*at*/) { return 0; }
};

/// Parses `text` as one JSON document. Syntax errors (the first one; JSON
/// cannot be resynchronised reliably), duplicate keys (all of them), nesting
/// deeper than limits.depth and inputs over limits.input_bytes or
/// limits.values values are reported to `diags`; returns nullopt when any
/// was found. The Document views `text`. With a `sink`, the elements of the
/// top-level object's member sink->key() (when it is an array) go to the
/// sink instead of the Document, which holds that array empty; the sink may
/// have been given elements even when nullopt is returned.
std::optional<Document> Parse(std::string_view text, Diagnostics& diags,
                              const Limits& limits = kDefaultLimits,
                              ItemSink* sink = nullptr);

/// Parse of `text`, a value nested `depth` levels deep in a larger file
/// where it starts at `start`: every location (and so every diagnostic)
/// is in the larger file's lines and columns, and the depth limit counts
/// from the larger file's top.
std::optional<Document> ParseAt(std::string_view text, SourceLoc start,
                                int depth, Diagnostics& diags);

/// True when two keys are the same text. Length and first byte are
/// compared first: they tell most config keys apart without a memcmp call.
inline bool SameKey(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
}

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
