#include "config/suggest.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace lvsnft {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rolling rows: i-2, i-1 and i.
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<std::string_view> ClosestName(
    std::string_view word, std::span<const std::string_view> known) {
  for (auto k : known) {
    if (EqualsIgnoringCase(word, k)) return k;
  }
  if (word.size() >= 2) {
    for (auto k : known) {
      if (k.size() > word.size() && k.substr(0, word.size()) == word) return k;
    }
  }
  std::optional<std::string_view> best;
  size_t best_d = 0;
  for (auto k : known) {
    size_t d = EditDistance(word, k);
    size_t len = std::max(word.size(), k.size());
    size_t limit = std::max<size_t>(1, std::min<size_t>(3, len / 3));
    if (d <= limit && (!best || d < best_d)) {
      best = k;
      best_d = d;
    }
  }
  return best;
}

}  // namespace lvsnft
