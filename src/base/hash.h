// Stable, platform-independent hashes for deterministic identifiers.
#pragma once

#include <cstdint>
#include <string_view>

namespace lvsnft {

/// FNV-1a 64-bit of `s` mixed with `seed`, finalised with splitmix64.
/// Stable across runs, hosts and compilers (used for Maglev permutations,
/// slot-block placement and target ids, which two directors must agree on).
inline uint64_t Hash64(std::string_view s, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

/// 32-bit variant of Hash64.
inline uint32_t Hash32(std::string_view s, uint64_t seed) {
  return static_cast<uint32_t>(Hash64(s, seed) >> 32);
}

}  // namespace lvsnft
