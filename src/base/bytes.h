// SmallBytes: a byte string that keeps short contents inside the object.
//
// Set element keys and data, and the typed values of the plan, are a few
// bytes each (a mark is 4, an IPv4 concatenation 12, an IPv6 address 16),
// and a director holds hundreds of thousands of them. A std::vector would
// give each its own heap block (32 bytes of malloc chunk for 4 bytes of
// data) and a pointer chase on every compare; SmallBytes stores up to
// kInline bytes in place and only longer contents on the heap. It reads
// like a std::vector (data, size, iteration, indexing, comparison) in 17
// bytes, byte-aligned: an element's key, key end and data take 51 bytes
// together, where three 24-byte strings took 72 (the kernel's values are
// at most 64 bytes, so a one-byte length suffices).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace lvsnft {

/// A short byte string, inline up to kInline bytes (heap beyond).
class SmallBytes {
 public:
  /// Bytes held without a heap block (an IPv6 address is the longest
  /// single value).
  static constexpr size_t kInline = 16;
  /// Largest length (the length is stored in 8 bits).
  static constexpr size_t kMaxSize = 0xff;

  SmallBytes() = default;
  /// Copies `n` bytes from `p`.
  SmallBytes(const uint8_t* p, size_t n) { Assign(p, n); }
  /// `n` zero bytes.
  explicit SmallBytes(size_t n) { Resize(n); }
  /// The listed bytes.
  SmallBytes(std::initializer_list<uint8_t> l) { Assign(l.begin(), l.size()); }
  /// A copy of a vector's bytes.
  explicit SmallBytes(const std::vector<uint8_t>& v) {
    Assign(v.data(), v.size());
  }
  SmallBytes(const SmallBytes& o) { Assign(o.data(), o.size()); }
  SmallBytes(SmallBytes&& o) noexcept { Take(o); }
  SmallBytes& operator=(const SmallBytes& o) {
    if (this != &o) Assign(o.data(), o.size());
    return *this;
  }
  SmallBytes& operator=(SmallBytes&& o) noexcept {
    if (this != &o) {
      Free();
      Take(o);
    }
    return *this;
  }
  ~SmallBytes() { Free(); }

  /// The bytes (valid until the next change).
  const uint8_t* data() const { return OnHeap() ? Heap() : buf_; }
  /// Mutable bytes.
  uint8_t* data() { return OnHeap() ? Heap() : buf_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size_; }
  uint8_t* begin() { return data(); }
  uint8_t* end() { return data() + size_; }
  uint8_t operator[](size_t i) const { return data()[i]; }
  uint8_t& operator[](size_t i) { return data()[i]; }
  /// Checked read: throws std::out_of_range past the end.
  uint8_t at(size_t i) const {
    if (i >= size_) throw std::out_of_range("SmallBytes::at");
    return data()[i];
  }

  /// Replaces the contents with `n` bytes from `p` (which must not point
  /// into this object).
  void Assign(const uint8_t* p, size_t n) {
    Resize(n);
    if (n) std::memcpy(data(), p, n);
  }
  /// Appends `n` bytes from `p` (which must not point into this object).
  void Append(const uint8_t* p, size_t n) {
    size_t old = size_;
    Resize(old + n);
    if (n) std::memcpy(data() + old, p, n);
  }
  /// Appends one byte.
  void PushBack(uint8_t b) { Append(&b, 1); }
  /// Changes the length, keeping the common prefix; new bytes are zero.
  void Resize(size_t n);
  /// The bytes as a string_view (for hashing).
  std::string_view View() const {
    return {reinterpret_cast<const char*>(data()), size_};
  }
  /// A std::vector copy.
  std::vector<uint8_t> ToVector() const { return {begin(), end()}; }

  friend bool operator==(const SmallBytes& a, const SmallBytes& b) {
    return a.View() == b.View();
  }
  friend std::strong_ordering operator<=>(const SmallBytes& a,
                                          const SmallBytes& b) {
    return a.View() <=> b.View();
  }

 private:
  bool OnHeap() const { return size_ > kInline; }
  uint8_t* Heap() const {
    uint8_t* p;
    std::memcpy(&p, buf_, sizeof p);
    return p;
  }
  void SetHeap(uint8_t* p) { std::memcpy(buf_, &p, sizeof p); }
  void Free() {
    if (OnHeap()) std::free(Heap());
    size_ = 0;
  }
  void Take(SmallBytes& o) {
    std::memcpy(buf_, o.buf_, kInline);
    size_ = o.size_;
    o.size_ = 0;
  }

  uint8_t buf_[kInline] = {};  ///< The bytes, or the heap pointer.
  uint8_t size_ = 0;
};

inline void SmallBytes::Resize(size_t n) {
  if (n > kMaxSize) std::abort();  // no element or value comes near this
  const size_t old = size_;
  if (n <= kInline) {
    if (old > kInline) {
      uint8_t* p = Heap();
      std::memcpy(buf_, p, n);
      std::free(p);
    }
  } else if (old <= kInline || n != old) {
    auto* p = static_cast<uint8_t*>(std::malloc(n));
    if (!p) std::abort();
    const uint8_t* from = old > kInline ? Heap() : buf_;
    std::memcpy(p, from, old < n ? old : n);
    if (old > kInline) std::free(Heap());
    SetHeap(p);
  }
  size_ = static_cast<uint8_t>(n);
  if (n > old) std::memset(data() + old, 0, n - old);
}

static_assert(sizeof(SmallBytes) == 17 && alignof(SmallBytes) == 1,
              "SmallBytes: 16 bytes inline, one length byte, no padding");

}  // namespace lvsnft
