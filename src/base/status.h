// Status and Result: the error type at module boundaries.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lvsnft {

/// Outcome of an operation: ok, or an error message (one line, no newline).
class Status {
 public:
  /// An ok status.
  Status() = default;
  /// An error status carrying `message`.
  static Status Error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.ok_ = false;
    return s;
  }
  /// True when no error happened.
  bool ok() const { return ok_; }
  /// The error message; empty when ok().
  const std::string& message() const { return message_; }

 private:
  bool ok_ = true;
  std::string message_;
};

/// A value of type T or an error Status.
template <typename T>
class Result {
 public:
  /// Wraps a value.
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  /// Wraps an error; `status` must not be ok.
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  /// True when a value is held.
  bool ok() const { return std::holds_alternative<T>(v_); }
  /// The held value; only valid when ok().
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  /// The error; an ok Status when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lvsnft
