// Scheduling math: weighted slot sequences and Maglev lookup tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lvsnft {

/// A backend as seen by the scheduling math.
struct SchedBackend {
  std::string key;      ///< Stable identity, e.g. "192.168.1.10:8080".
  uint32_t weight = 1;  ///< > 0 (drained servers are not passed in).
};

/// Greatest common divisor of all weights (1 for an empty list).
uint32_t WeightGcd(const std::vector<SchedBackend>& b);

/// The smooth weighted round-robin sequence (nginx-style interleaving) of
/// length sum(w)/gcd(w), capped at `max_len` by proportional scaling. Each
/// entry is an index into `b`. Empty when `b` is empty.
std::vector<uint32_t> WeightedSequence(const std::vector<SchedBackend>& b,
                                       uint32_t max_len = 4096);
/// WeightedSequence(b, max_len).size(), without building the sequence.
uint32_t WeightedSequenceLength(const std::vector<SchedBackend>& b,
                                uint32_t max_len = 4096);

/// The weighted Maglev lookup table of size `m` (a prime > 0): entry i is the
/// index of the backend owning slot i. Deterministic in the backend keys, so
/// two directors with the same config build the same table.
std::vector<uint32_t> MaglevTable(const std::vector<SchedBackend>& b,
                                  uint32_t m);

/// True when n is prime.
bool IsPrime(uint32_t n);

}  // namespace lvsnft
