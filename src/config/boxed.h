// An optional value kept on the heap. A real server's `health_check` is
// absent in almost every config but is a large struct; held inline by
// std::optional it made every RealServer four times its size. Boxed keeps
// the std::optional interface the config code uses, with value semantics
// (copies are deep), at the cost of one pointer when absent.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace lvsnft {

/// An optional `T` stored out of line.
template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT: converts like std::optional
  Boxed(const T& v) : p_(std::make_unique<T>(v)) {}  // NOLINT
  Boxed(const Boxed& o) : p_(o ? std::make_unique<T>(*o) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o ? std::make_unique<T>(*o) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  /// Stores a default-constructed T and returns it.
  T& emplace() {
    p_ = std::make_unique<T>();
    return *p_;
  }
  /// Drops the value.
  void reset() { p_.reset(); }
  /// True when a value is stored.
  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace lvsnft
