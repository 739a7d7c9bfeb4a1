// ElementKey: the identity the reconciler hashes (key, key end, flags as
// bytes) must tell apart exactly what the string ids told apart.
#include <gtest/gtest.h>

#include <unordered_map>
#include <vector>

#include "kernel/delta.h"

namespace lvsnft::netlink {
namespace {

// A desired element is its 51 bytes of key, key end and data, the replaced
// flag in the byte after them, three numbers, userdata and a packed origin.
TEST(RawElementSize, IsEightyEightBytes) {
  EXPECT_EQ(sizeof(ElementOrigin), 12u);
  EXPECT_LE(sizeof(RawElement), 88u);
}

RawElement Raw(SmallBytes key, SmallBytes key_end, uint32_t flags) {
  RawElement r;
  r.key = std::move(key);
  r.key_end = std::move(key_end);
  r.flags = flags;
  return r;
}

TEST(ElementKeyTest, SameIdentityAsTheStringId) {
  // Splits of the same bytes between key and key end, flags, data.
  std::vector<RawElement> es = {
      Raw({1, 2}, {}, 0),        Raw({1}, {2}, 0),      Raw({1, 2}, {}, 1),
      Raw({}, {1, 2}, 0),        Raw({1, 2, 0}, {}, 0), Raw({1, 2}, {3, 4}, 0),
      Raw({1, 2}, {3, 4, 5}, 0),
  };
  RawElement with_data = Raw({1, 2}, {}, 0);
  with_data.data = {9};
  with_data.chain = "c";
  es.push_back(with_data);  // same identity as es[0]: data is not identity
  for (const auto& a : es) {
    for (const auto& b : es) {
      bool same_id = a.Id() == b.Id();
      EXPECT_EQ(ElementKey::Of(a) == ElementKey::Of(b), same_id);
      if (same_id) {
        EXPECT_EQ(ElementKeyHash()(ElementKey::Of(a)),
                  ElementKeyHash()(ElementKey::Of(b)));
      }
    }
  }
}

TEST(ElementKeyTest, FindsLiveElementsByRawIdentity) {
  std::vector<RawElement> want = {Raw({10, 0, 0, 1}, {}, 0),
                                  Raw({10, 0, 0, 2}, {}, 0)};
  std::unordered_map<ElementKey, size_t, ElementKeyHash> index;
  for (size_t i = 0; i < want.size(); ++i)
    index.emplace(ElementKey::Of(want[i]), i);
  LiveElement hit;
  hit.key = {10, 0, 0, 2};
  LiveElement miss;
  miss.key = {10, 0, 0, 2};
  miss.flags = 1;
  ASSERT_TRUE(index.count(ElementKey::Of(hit)));
  EXPECT_EQ(index.at(ElementKey::Of(hit)), 1u);
  EXPECT_FALSE(index.count(ElementKey::Of(miss)));
}

}  // namespace
}  // namespace lvsnft::netlink
