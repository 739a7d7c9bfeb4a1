#include "health/rise_fall.h"

#include <gtest/gtest.h>

namespace lvsnft::health {
namespace {

using Clock = std::chrono::system_clock;

ProbeResult Ok(std::optional<int> weight = std::nullopt) {
  ProbeResult r;
  r.ok = true;
  r.weight = weight;
  return r;
}

ProbeResult Bad(const char* reason) {
  ProbeResult r;
  r.reason = reason;
  return r;
}

/// Feeds "+" (success) / "-" (failure) and returns the transitions as
/// "U2" / "D3" letters with counts, one per result ("." = none).
std::string Feed(RiseFall& rf, const std::string& seq) {
  std::string out;
  for (char c : seq) {
    auto t = rf.Feed(c == '+' ? Ok() : Bad("connect timeout"), Clock::now());
    if (!t) {
      out += ".";
      continue;
    }
    out += t->kind == Transition::Kind::kUp ? "U" : "D";
    out += std::to_string(t->count);
  }
  return out;
}

TEST(RiseFallTest, ChangesAfterRiseOrFallResultsInARow) {
  RiseFall rf(2, 3, State::kUp, Clock::now());
  EXPECT_EQ(Feed(rf, "+--+---+-+++"), "......D3...U2.");
  EXPECT_EQ(rf.status().state, State::kUp);
  EXPECT_EQ(rf.status().transitions, 2u);
  EXPECT_EQ(rf.status().checks, 12u);
  EXPECT_EQ(rf.status().failures, 6u);
}

TEST(RiseFallTest, InitialDownNeedsRiseSuccesses) {
  RiseFall rf(3, 1, State::kDown, Clock::now());
  EXPECT_EQ(Feed(rf, "++-+++-"), ".....U3D1");
}

TEST(RiseFallTest, FlappingProducesNoTransitionBelowThresholds) {
  RiseFall rf(2, 3, State::kUp, Clock::now());
  EXPECT_EQ(Feed(rf, "-+-+-+--+--+"), "............");
  EXPECT_EQ(rf.status().transitions, 0u);
}

TEST(RiseFallTest, BetweenWhileCountingTowardsAChange) {
  RiseFall rf(2, 2, State::kUp, Clock::now());
  EXPECT_FALSE(rf.Between());
  rf.Feed(Bad("x"), Clock::now());
  EXPECT_TRUE(rf.Between());
  rf.Feed(Bad("x"), Clock::now());
  EXPECT_FALSE(rf.Between());  // Down now, no success yet.
  rf.Feed(Ok(), Clock::now());
  EXPECT_TRUE(rf.Between());
}

TEST(RiseFallTest, DownCarriesLastReasonAndStatusKeepsLastResult) {
  auto t0 = Clock::now();
  RiseFall rf(1, 2, State::kUp, t0);
  rf.Feed(Bad("connect timeout"), t0);
  auto t1 = t0 + std::chrono::seconds(2);
  auto t = rf.Feed(Bad("connection refused"), t1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->reason, "connection refused");
  EXPECT_EQ(rf.status().since, t1);
  EXPECT_EQ(rf.status().failures_in_row, 2);
  EXPECT_EQ(rf.status().last_reason, "connection refused");
}

TEST(RiseFallTest, DynamicWeightChangesWhileUp) {
  RiseFall rf(1, 1, State::kUp, Clock::now());
  auto t = rf.Feed(Ok(5), Clock::now());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, Transition::Kind::kWeight);
  EXPECT_EQ(t->weight, 5);
  EXPECT_FALSE(rf.Feed(Ok(5), Clock::now()));  // Unchanged.
  EXPECT_FALSE(rf.Feed(Ok(), Clock::now()));   // exit 0 keeps the weight.
  EXPECT_EQ(rf.status().weight, 5);
}

}  // namespace
}  // namespace lvsnft::health
