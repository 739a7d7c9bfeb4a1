#include "base/sched.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/hash.h"

namespace lvsnft {

uint32_t WeightGcd(const std::vector<SchedBackend>& b) {
  uint32_t g = 0;
  for (const auto& x : b) g = std::gcd(g, x.weight);
  return g == 0 ? 1 : g;
}

namespace {

// Reduces weights by their gcd and, if the sum exceeds max_len, scales them
// down proportionally (every backend keeps at least one slot).
std::vector<uint64_t> ReducedWeights(const std::vector<SchedBackend>& b,
                                     uint32_t max_len) {
  uint32_t g = WeightGcd(b);
  std::vector<uint64_t> w;
  uint64_t sum = 0;
  for (const auto& x : b) {
    w.push_back(x.weight / g);
    sum += x.weight / g;
  }
  if (sum <= max_len) return w;
  for (auto& x : w) {
    x = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(
                                  static_cast<double>(x) * max_len / sum)));
  }
  return w;
}

}  // namespace

uint32_t WeightedSequenceLength(const std::vector<SchedBackend>& b,
                                uint32_t max_len) {
  if (b.empty()) return 0;
  std::vector<uint64_t> w = ReducedWeights(b, max_len);
  return static_cast<uint32_t>(
      std::accumulate(w.begin(), w.end(), uint64_t{0}));
}

std::vector<uint32_t> WeightedSequence(const std::vector<SchedBackend>& b,
                                       uint32_t max_len) {
  std::vector<uint32_t> seq;
  if (b.empty()) return seq;
  std::vector<uint64_t> w = ReducedWeights(b, max_len);
  int64_t total = std::accumulate(w.begin(), w.end(), int64_t{0});
  seq.reserve(static_cast<size_t>(total));
  std::vector<int64_t> current(b.size(), 0);
  // Smooth weighted round robin: every step each backend gains its weight,
  // the richest is picked and pays the total. Spreads picks evenly.
  for (int64_t step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      current[i] += static_cast<int64_t>(w[i]);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    seq.push_back(static_cast<uint32_t>(best));
  }
  return seq;
}

bool IsPrime(uint32_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (uint32_t d = 3; static_cast<uint64_t>(d) * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

namespace {

// Exact per-backend entry quotas summing to m (largest remainder method).
std::vector<uint32_t> Quotas(const std::vector<SchedBackend>& b, uint32_t m) {
  uint64_t sum = 0;
  for (const auto& x : b) sum += x.weight;
  std::vector<uint32_t> q(b.size());
  std::vector<std::pair<uint64_t, size_t>> rem;
  uint32_t used = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    uint64_t num = uint64_t{b[i].weight} * m;
    q[i] = static_cast<uint32_t>(num / sum);
    used += q[i];
    rem.push_back({num % sum, i});
  }
  // Ties broken by key so the result does not depend on config order.
  std::sort(rem.begin(), rem.end(), [&](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first > y.first;
    return b[x.second].key < b[y.second].key;
  });
  for (size_t k = 0; used < m; ++k, ++used) q[rem[k % rem.size()].second]++;
  return q;
}

}  // namespace

std::vector<uint32_t> MaglevTable(const std::vector<SchedBackend>& b,
                                  uint32_t m) {
  std::vector<uint32_t> table;
  if (b.empty() || m == 0) return table;
  // Visit backends in key order: the table depends on identities only.
  std::vector<size_t> order(b.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return b[x].key < b[y].key; });
  std::vector<uint32_t> quota = Quotas(b, m);
  std::vector<uint64_t> offset(b.size()), skip(b.size()), next(b.size(), 0);
  for (size_t i = 0; i < b.size(); ++i) {
    offset[i] = Hash64(b[i].key, 0x6d61676c65763031ull) % m;
    skip[i] = m > 1 ? Hash64(b[i].key, 0x736b697070657232ull) % (m - 1) + 1 : 1;
  }
  const uint32_t kEmpty = UINT32_MAX;
  table.assign(m, kEmpty);
  std::vector<uint32_t> placed(b.size(), 0);
  uint32_t filled = 0;
  while (filled < m) {
    for (size_t i : order) {
      if (placed[i] >= quota[i]) continue;
      uint64_t slot;
      do {
        slot = (offset[i] + next[i] * skip[i]) % m;
        ++next[i];
      } while (table[slot] != kEmpty);
      table[slot] = static_cast<uint32_t>(i);
      ++placed[i];
      if (++filled == m) break;
    }
  }
  return table;
}

}  // namespace lvsnft
