// Diagnostics with source locations, collected rather than thrown.
#pragma once

#include <string>
#include <vector>

namespace lvsnft {

/// A position in an input file; line and column are 1-based, 0 = unknown.
struct SourceLoc {
  int line = 0;
  int col = 0;
};

/// One problem found in the input.
struct Diagnostic {
  SourceLoc loc;
  std::string pointer;  ///< JSON pointer of the offending value ("" = root).
  std::string message;  ///< Reason, lower case, no trailing period.
};

/// An ordered collection of diagnostics for one input file.
class Diagnostics {
 public:
  /// `file` is the name printed in front of every message.
  explicit Diagnostics(std::string file = "<input>") : file_(std::move(file)) {}

  /// Records an error at `loc` for the value at `pointer`.
  void Error(SourceLoc loc, std::string pointer, std::string message) {
    items_.push_back({loc, std::move(pointer), std::move(message)});
  }
  /// Records a warning: the config is accepted but looks like a mistake.
  void Warning(SourceLoc loc, std::string pointer, std::string message) {
    warnings_.push_back({loc, std::move(pointer), std::move(message)});
  }
  /// Appends the errors and warnings of `other` after this one's.
  void Append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
    warnings_.insert(warnings_.end(), other.warnings_.begin(),
                     other.warnings_.end());
  }
  /// Turns every warning into an error (--strict).
  void PromoteWarnings() {
    items_.insert(items_.end(), warnings_.begin(), warnings_.end());
    warnings_.clear();
  }
  /// True when at least one error was recorded.
  bool HasErrors() const { return !items_.empty(); }
  /// All recorded warnings in the order found.
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  /// All recorded diagnostics in the order found.
  const std::vector<Diagnostic>& items() const { return items_; }
  /// The file name used when formatting.
  const std::string& file() const { return file_; }

  /// Formats one diagnostic as `FILE:LINE:COL: error: POINTER: MESSAGE`
  /// (`warning:` instead of `error:` when `warning` is set).
  std::string Format(const Diagnostic& d, bool warning = false) const;
  /// Formats all errors, one per line, sorted by position.
  std::string FormatAll() const;
  /// Formats all warnings, one per line, sorted by position.
  std::string FormatWarnings() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace lvsnft
