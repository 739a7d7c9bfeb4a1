// A compact JSON pointer for the config model. Every field of a parsed
// config remembers where it was written; a pointer string per field made
// those positions the largest part of a large config in memory. This form
// stores a known config key as one byte and an array index as its bytes,
// so a typical pointer ("/services/1234/real_servers/5/address") fits in
// std::string's inline buffer and needs no heap block. The text form is
// rebuilt only when a message needs it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace lvsnft {

/// The bytes of an encoded pointer in 16 bytes: up to 15 inline, longer
/// ones (rare: raw keys) in a heap string. A parsed config holds several
/// origins per real server, so their size is much of the model's.
class PointerCode {
 public:
  PointerCode() = default;
  PointerCode(const PointerCode& o) { Assign(o.view()); }
  PointerCode(PointerCode&& o) noexcept { Take(o); }
  PointerCode& operator=(const PointerCode& o) {
    if (this != &o) Assign(o.view());
    return *this;
  }
  PointerCode& operator=(PointerCode&& o) noexcept {
    if (this != &o) {
      Free();
      Take(o);
    }
    return *this;
  }
  ~PointerCode() { Free(); }

  /// The bytes.
  std::string_view view() const {
    return OnHeap() ? std::string_view(*Heap()) : std::string_view(buf_, tag_);
  }
  /// Replaces the bytes by `s` (which must not view this object).
  void Assign(std::string_view s) {
    Free();
    Append(s);
  }
  /// Appends `s`.
  void Append(std::string_view s);

 private:
  static constexpr uint8_t kHeap = 0xff;
  bool OnHeap() const { return tag_ == kHeap; }
  std::string* Heap() const {
    std::string* p;
    std::memcpy(&p, buf_, sizeof p);
    return p;
  }
  void Free() {
    if (OnHeap()) delete Heap();
    tag_ = 0;
  }
  void Take(PointerCode& o) {
    std::memcpy(buf_, o.buf_, sizeof buf_);
    tag_ = o.tag_;
    o.tag_ = 0;
  }

  alignas(8) char buf_[15];
  uint8_t tag_ = 0;  ///< Inline length, or kHeap.
};

/// An RFC 6901 JSON pointer held in encoded form.
class JsonPointer {
 public:
  /// The root pointer ("").
  JsonPointer() = default;
  /// Parses the text form `text` ("/a/0"); tokens of digits are indices.
  JsonPointer(const char* text);  // NOLINT: a literal is a pointer

  /// Appends the member token `key` (unescaped key text).
  void AppendKey(std::string_view key);
  /// Appends the array index token `index`.
  void AppendIndex(size_t index);
  /// Appends every token of `tail`.
  void Append(const JsonPointer& tail) { code_.Append(tail.code_.view()); }
  /// When this pointer starts with the tokens of `from`, replaces them by
  /// those of `to` and returns true (a service's values moved in the file:
  /// "/services/3/vip" -> "/services/7/vip").
  bool ReplacePrefix(const JsonPointer& from, const JsonPointer& to);

  /// The pointer as text, e.g. "/services/0/vip" ("" = root).
  std::string str() const;
  /// Same as str(): lets a pointer go where a message wants a string.
  operator std::string() const { return str(); }  // NOLINT
  /// True for the root pointer.
  bool empty() const { return code_.view().empty(); }
  /// True when the text form starts with `prefix`.
  bool starts_with(std::string_view prefix) const;
  /// True when the text form ends with `suffix`.
  bool ends_with(std::string_view suffix) const;

  /// Equal text forms (a digit key and an index compare equal).
  bool operator==(const JsonPointer& o) const { return str() == o.str(); }

 private:
  PointerCode code_;
};

/// Appends `key` to `out` escaped as an RFC 6901 token ('~' -> "~0",
/// '/' -> "~1").
void AppendEscapedToken(std::string& out, std::string_view key);

/// The text form of `p` followed by `s`.
inline std::string operator+(const JsonPointer& p, std::string_view s) {
  return p.str().append(s);
}
/// `s` followed by the text form of `p`.
inline std::string operator+(std::string s, const JsonPointer& p) {
  return s.append(p.str());
}

}  // namespace lvsnft
