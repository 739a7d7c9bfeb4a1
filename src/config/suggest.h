// "Did you mean ...?" suggestions for misspelt keys and names.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace lvsnft {

/// Optimal-string-alignment edit distance (insertions, deletions,
/// substitutions and transpositions of adjacent characters each cost 1).
size_t EditDistance(std::string_view a, std::string_view b);

/// The name in `known` that `word` most likely meant, if any: a name that
/// equals it ignoring case, else the first name it abbreviates (a prefix of
/// at least 2 characters, e.g. "prot" -> "protocol"), else the closest name
/// by EditDistance when that distance is at most max(1, min(3, len/3))
/// where len is the longer length. nullopt when nothing is close.
std::optional<std::string_view> ClosestName(
    std::string_view word, std::span<const std::string_view> known);

}  // namespace lvsnft
