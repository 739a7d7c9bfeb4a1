#include "config/diag.h"

#include <algorithm>

namespace lvsnft {
namespace {

/// `list` sorted by position (stable: equal positions keep their order).
std::vector<const Diagnostic*> Sorted(const std::vector<Diagnostic>& list) {
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : list) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.col < b->loc.col;
  });
  return sorted;
}

}  // namespace

std::string Diagnostics::Format(const Diagnostic& d, bool warning) const {
  std::string out = file_ + ":" + std::to_string(d.loc.line) + ":" +
                    std::to_string(d.loc.col) +
                    (warning ? ": warning: " : ": error: ");
  out += d.pointer.empty() ? "/" : d.pointer;
  out += ": " + d.message;
  return out;
}

std::string Diagnostics::FormatAll() const {
  std::string out;
  for (const auto* d : Sorted(items_)) out += Format(*d) + "\n";
  return out;
}

std::string Diagnostics::FormatWarnings() const {
  std::string out;
  for (const auto* d : Sorted(warnings_)) out += Format(*d, true) + "\n";
  return out;
}

}  // namespace lvsnft
