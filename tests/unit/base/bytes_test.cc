// SmallBytes: inline and heap contents, growth across the boundary, copies,
// moves and ordering (the order std::vector<uint8_t> had).
#include "base/bytes.h"

#include <gtest/gtest.h>

#include <numeric>
#include <utility>
#include <vector>

namespace lvsnft {
namespace {

std::vector<uint8_t> Iota(size_t n, uint8_t first = 1) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

TEST(SmallBytesTest, HoldsInlineAndHeapContents) {
  for (size_t n : {size_t{0}, size_t{4}, SmallBytes::kInline,
                   SmallBytes::kInline + 1, size_t{64}}) {
    std::vector<uint8_t> want = Iota(n);
    SmallBytes b(want.data(), want.size());
    EXPECT_EQ(b.size(), n);
    EXPECT_EQ(b.empty(), n == 0);
    EXPECT_EQ(b.ToVector(), want) << n;
    EXPECT_EQ(SmallBytes(want), b);
  }
}

// An IPv6 address, the longest single value, is held inline; the longest
// contents (a length byte's worth) round-trip.
TEST(SmallBytesTest, HoldsAnIpv6AddressInlineAndUpToItsMaxSize) {
  EXPECT_EQ(SmallBytes::kInline, 16u);
  std::vector<uint8_t> most = Iota(SmallBytes::kMaxSize);
  SmallBytes b(most.data(), most.size());
  EXPECT_EQ(b.ToVector(), most);
  b.Resize(16);
  EXPECT_EQ(b.ToVector(), Iota(16));
}

TEST(SmallBytesTest, GrowsAndShrinksAcrossTheInlineLimit) {
  SmallBytes b{1, 2, 3};
  std::vector<uint8_t> more = Iota(30, 4);
  b.Append(more.data(), more.size());
  EXPECT_EQ(b.ToVector(), Iota(33));
  b.Resize(2);
  EXPECT_EQ(b.ToVector(), (std::vector<uint8_t>{1, 2}));
  b.Resize(25);  // back onto the heap: the new bytes are zero
  std::vector<uint8_t> want{1, 2};
  want.resize(25, 0);
  EXPECT_EQ(b.ToVector(), want);
  b.PushBack(9);
  EXPECT_EQ(b.size(), 26u);
  EXPECT_EQ(b[25], 9);
  EXPECT_THROW(b.at(26), std::out_of_range);
}

TEST(SmallBytesTest, CopiesAndMovesOwnTheirBytes) {
  std::vector<uint8_t> big = Iota(40);
  SmallBytes a(big.data(), big.size());
  SmallBytes copy = a;
  copy[0] = 99;
  EXPECT_EQ(a[0], 1);
  SmallBytes moved = std::move(a);
  EXPECT_EQ(moved.ToVector(), big);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): defined state
  SmallBytes small{7};
  small = std::move(moved);
  EXPECT_EQ(small.ToVector(), big);
  small = SmallBytes{5, 6};
  EXPECT_EQ(small.ToVector(), (std::vector<uint8_t>{5, 6}));
}

TEST(SmallBytesTest, OrdersLikeAVectorOfBytes) {
  std::vector<std::vector<uint8_t>> vs = {
      {}, {0}, {0, 0}, {1}, {0x7f, 0xff}, {0x80}, {0xff}, {0xff, 0}};
  for (const auto& x : vs) {
    for (const auto& y : vs) {
      SmallBytes a(x), b(y);
      EXPECT_EQ(a < b, x < y);
      EXPECT_EQ(a == b, x == y);
    }
  }
}

}  // namespace
}  // namespace lvsnft
