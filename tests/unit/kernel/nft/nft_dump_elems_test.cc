// The direct GETSETELEM decoder (nft_dump_elems.h) reads what libnftnl's
// parser reads from the same message: keys, key ends, data, verdicts with
// their chains, flags, timeouts and counters.
#include "kernel/nft/nft_dump_elems.h"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <climits>
#include <string>
#include <vector>

namespace lvsnft::netlink {
namespace {

nftnl_set_elem* Elem(std::vector<uint8_t> key) {
  nftnl_set_elem* e = nftnl_set_elem_alloc();
  nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key.data(), key.size());
  return e;
}

nftnl_expr* Counter(uint64_t packets, uint64_t bytes) {
  nftnl_expr* x = nftnl_expr_alloc("counter");
  nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_PACKETS, packets);
  nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_BYTES, bytes);
  return x;
}

// A NEWSETELEM message as the kernel's dump sends it (same attributes).
std::vector<char> Message() {
  nftnl_set* s = nftnl_set_alloc();
  nftnl_set_set_str(s, NFTNL_SET_TABLE, "lvsnft");
  nftnl_set_set_str(s, NFTNL_SET_NAME, "m");
  nftnl_set_elem* plain = Elem({1, 2, 3, 4});
  uint8_t data[] = {10, 0, 0, 1, 0, 80};
  nftnl_set_elem_set(plain, NFTNL_SET_ELEM_DATA, data, sizeof data);
  nftnl_set_elem_add_expr(plain, Counter(7, 700));
  nftnl_set_elem_add(s, plain);
  nftnl_set_elem* jump = Elem({5, 6, 7, 8});
  nftnl_set_elem_set_u32(jump, NFTNL_SET_ELEM_VERDICT, NFT_JUMP);
  nftnl_set_elem_set_str(jump, NFTNL_SET_ELEM_CHAIN, "svc_web");
  nftnl_set_elem_add(s, jump);
  nftnl_set_elem* end = Elem({9});
  uint8_t hi[] = {10};
  nftnl_set_elem_set(end, NFTNL_SET_ELEM_KEY_END, hi, sizeof hi);
  nftnl_set_elem_set_u32(end, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
  nftnl_set_elem_set_u64(end, NFTNL_SET_ELEM_TIMEOUT, 30000);
  nftnl_set_elem_add(s, end);
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh =
      nftnl_nlmsg_build_hdr(buf.data(), NFT_MSG_NEWSETELEM, NFPROTO_INET, 0, 1);
  nftnl_set_elems_nlmsg_build_payload(nlh, s);
  nftnl_set_free(s);
  buf.resize(nlh->nlmsg_len);
  return buf;
}

TEST(DecodeElements, ReadsWhatLibnftnlReads) {
  std::vector<char> msg = Message();
  auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
  LiveSet set;
  ASSERT_TRUE(DecodeElements(nlh, set));
  ASSERT_EQ(set.elements.size(), 3u);
  const LiveElement& plain = set.elements[0];
  EXPECT_EQ(plain.key, (SmallBytes{1, 2, 3, 4}));
  EXPECT_EQ(plain.data, (SmallBytes{10, 0, 0, 1, 0, 80}));
  EXPECT_EQ(plain.verdict, INT_MIN);
  EXPECT_TRUE(plain.chain.empty());
  const LiveElement& jump = set.elements[1];
  EXPECT_EQ(jump.verdict, NFT_JUMP);
  EXPECT_EQ(jump.chain.str(), "svc_web");
  EXPECT_TRUE(jump.data.empty());
  const LiveElement& end = set.elements[2];
  EXPECT_EQ(end.key_end, SmallBytes{10});
  EXPECT_EQ(end.flags, uint32_t{NFT_SET_ELEM_INTERVAL_END});
  // Counters and timeouts beside the elements, index for index.
  ASSERT_EQ(set.stats.size(), 3u);
  EXPECT_TRUE(set.stats[0].has_counter);
  EXPECT_EQ(set.stats[0].packets, 7u);
  EXPECT_EQ(set.stats[0].bytes, 700u);
  EXPECT_FALSE(set.stats[1].any());
  EXPECT_EQ(set.stats[2].timeout_ms, 30000u);
}

TEST(DecodeElements, SetsWithoutCountersGetNoSideTable) {
  nftnl_set* s = nftnl_set_alloc();
  nftnl_set_set_str(s, NFTNL_SET_TABLE, "lvsnft");
  nftnl_set_set_str(s, NFTNL_SET_NAME, "plain");
  nftnl_set_elem_add(s, Elem({1}));
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh =
      nftnl_nlmsg_build_hdr(buf.data(), NFT_MSG_NEWSETELEM, NFPROTO_INET, 0, 1);
  nftnl_set_elems_nlmsg_build_payload(nlh, s);
  nftnl_set_free(s);
  LiveSet set;
  ASSERT_TRUE(DecodeElements(nlh, set));
  EXPECT_EQ(set.elements.size(), 1u);
  EXPECT_TRUE(set.stats.empty());
}

TEST(DecodeElements, ATruncatedMessageIsRefused) {
  std::vector<char> msg = Message();
  auto* nlh = reinterpret_cast<nlmsghdr*>(msg.data());
  nlh->nlmsg_len = 8;  // shorter than its own header
  LiveSet set;
  EXPECT_FALSE(DecodeElements(nlh, set));
  EXPECT_TRUE(set.elements.empty());
}

}  // namespace
}  // namespace lvsnft::netlink
