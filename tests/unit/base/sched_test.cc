#include "base/sched.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

namespace lvsnft {
namespace {

std::vector<SchedBackend> Backends(int n, uint32_t weight = 1) {
  std::vector<SchedBackend> b;
  for (int i = 0; i < n; ++i) {
    b.push_back({"10.0." + std::to_string(i / 250) + "." +
                     std::to_string(i % 250 + 1) + ":80",
                 weight});
  }
  return b;
}

std::vector<int> Counts(const std::vector<uint32_t>& table, size_t n) {
  std::vector<int> c(n, 0);
  for (uint32_t x : table) c.at(x)++;
  return c;
}

uint32_t NextPrimeAtLeast(uint32_t n) {
  while (!IsPrime(n)) ++n;
  return n;
}

TEST(IsPrimeTest, Table) {
  struct {
    uint32_t n;
    bool prime;
  } cases[] = {{0, false},    {1, false},    {2, true},
               {4, false},    {251, true},   {4093, true},
               {4095, false}, {65521, true}, {131071, true}};
  for (auto c : cases) EXPECT_EQ(IsPrime(c.n), c.prime) << c.n;
}

TEST(MaglevTest, BalanceWithinOnePercentWhenTableIs100TimesBackends) {
  for (int n : {2, 3, 5, 10, 40}) {
    uint32_t m = NextPrimeAtLeast(100 * n);
    auto b = Backends(n);
    auto counts = Counts(MaglevTable(b, m), b.size());
    double avg = static_cast<double>(m) / n;
    int max = *std::max_element(counts.begin(), counts.end());
    EXPECT_LE(max / avg, 1.01) << "n=" << n << " m=" << m;
  }
}

// Disruption bound holds for M >= 200 N (the default M = 4093 covers up to
// 20 servers). At M = 100 N the excess over 1/N measured up to 0.037
// (docs/LAYOUT.md); balance, not disruption, is what 100 N guarantees.
TEST(MaglevTest, RemovingOneOfNMovesAtMostOneNthPlusTwoPercent) {
  for (int n : {3, 5, 10, 20, 50}) {
    for (uint32_t m : {NextPrimeAtLeast(200 * n), 4093u}) {
      if (m < 200u * n) continue;
      auto b = Backends(n);
      auto before = MaglevTable(b, m);
      for (int removed = 0; removed < n; ++removed) {
        auto smaller = b;
        smaller.erase(smaller.begin() + removed);
        auto after = MaglevTable(smaller, m);
        int moved = 0;
        for (uint32_t i = 0; i < m; ++i) {
          if (b[before[i]].key != smaller[after[i]].key) ++moved;
        }
        double frac = static_cast<double>(moved) / m;
        EXPECT_LE(frac, 1.0 / n + 0.02)
            << "n=" << n << " m=" << m << " removed=" << removed;
      }
    }
  }
}

TEST(MaglevTest, WeightsAreHonouredExactly) {
  std::vector<SchedBackend> b = {{"a", 3}, {"b", 1}, {"c", 2}};
  auto counts = Counts(MaglevTable(b, 4093), b.size());
  // Largest remainder: 4093 * 3/6 = 2046.5 etc.; every share within one.
  EXPECT_NEAR(counts[0], 4093.0 * 3 / 6, 1.0);
  EXPECT_NEAR(counts[1], 4093.0 * 1 / 6, 1.0);
  EXPECT_NEAR(counts[2], 4093.0 * 2 / 6, 1.0);
}

TEST(MaglevTest, IndependentOfConfigOrder) {
  auto b = Backends(7);
  auto t1 = MaglevTable(b, 251);
  auto r = b;
  std::reverse(r.begin(), r.end());
  auto t2 = MaglevTable(r, 251);
  for (uint32_t i = 0; i < 251; ++i) EXPECT_EQ(b[t1[i]].key, r[t2[i]].key);
}

TEST(WeightedSequenceTest, Table) {
  struct Case {
    const char* desc;
    std::vector<uint32_t> weights;
    std::vector<uint32_t> expected;
  } cases[] = {
      {"equal weights are plain round robin", {1, 1, 1}, {0, 1, 2}},
      {"gcd is divided out", {2, 2}, {0, 1}},
      {"3:1 interleaves", {3, 1}, {0, 0, 1, 0}},
      {"5:1:1 is smooth (nginx order)", {5, 1, 1}, {0, 0, 1, 0, 2, 0, 0}},
      {"no backends", {}, {}},
  };
  for (const auto& c : cases) {
    std::vector<SchedBackend> b;
    for (size_t i = 0; i < c.weights.size(); ++i) {
      b.push_back({std::to_string(i), c.weights[i]});
    }
    EXPECT_EQ(WeightedSequence(b), c.expected) << c.desc;
    EXPECT_EQ(WeightedSequenceLength(b), c.expected.size()) << c.desc;
  }
}

TEST(WeightedSequenceTest, CappedSequenceKeepsProportions) {
  std::vector<SchedBackend> b = {{"a", 60000}, {"b", 30001}, {"c", 1}};
  auto seq = WeightedSequence(b, 4096);
  auto counts = Counts(seq, 3);
  EXPECT_LE(seq.size(), 4097u);
  EXPECT_GE(counts[2], 1);  // Every backend keeps at least one slot.
  EXPECT_NEAR(static_cast<double>(counts[0]) / counts[1], 2.0, 0.01);
  EXPECT_EQ(WeightedSequenceLength(b, 4096), seq.size());
}

}  // namespace
}  // namespace lvsnft
