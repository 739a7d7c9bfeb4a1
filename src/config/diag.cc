#include "config/diag.h"

#include <algorithm>

namespace lvsnft {

std::string Diagnostics::Format(const Diagnostic& d) const {
  std::string out = file_ + ":" + std::to_string(d.loc.line) + ":" +
                    std::to_string(d.loc.col) + ": error: ";
  out += d.pointer.empty() ? "/" : d.pointer;
  out += ": " + d.message;
  return out;
}

std::string Diagnostics::FormatAll() const {
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : items_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.col < b->loc.col;
  });
  std::string out;
  for (const auto* d : sorted) out += Format(*d) + "\n";
  return out;
}

}  // namespace lvsnft
