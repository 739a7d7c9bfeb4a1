// Large element lists: split over NEWSETELEM messages under the 64 KiB
// attribute limit, laid out over several batch pages, traceable by offset.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "kernel/nft/nft_batch.h"
#include "kernel/nft/nft_elements.h"
#include "kernel/nft/nft_objects.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using netlink::Batch;
using netlink::BatchOptions;
using DT = plan::DataType;

constexpr int kCount = 5000;

plan::Set Flows() {
  plan::Set s = Set("flows", {DT::kIpv4Addr, DT::kInetService, DT::kMark});
  for (int i = 0; i < kCount; ++i) {
    IpAddr a = A("10.0.0.0");
    a.bytes[2] = static_cast<uint8_t>(i >> 8);
    a.bytes[3] = static_cast<uint8_t>(i);
    s.elements.push_back(
        E({plan::AddrValue(a), Port(static_cast<uint16_t>(i)), Mark(i)}));
  }
  return s;
}

Batch BuildFlows(const BatchOptions& opt) {
  plan::Set s = Flows();
  auto elems = netlink::BuildElements(s, s.elements, true);
  EXPECT_TRUE(elems.ok());
  netlink::SetPtr holder =
      netlink::SetHandle({plan::TableFamily::kInet, "t"}, "flows", 9);
  std::vector<std::string> what;
  for (size_t i = 0; i < elems->size(); ++i) {
    nftnl_set_elem_add(holder.get(), (*elems)[i].release());
    what.push_back("elem " + std::to_string(i));
  }
  std::vector<netlink::Op> ops;
  ops.push_back(netlink::AddElements(std::move(holder), "elements of flows",
                                     std::move(what)));
  auto batch = Batch::Build(std::move(ops), opt);
  EXPECT_TRUE(batch.ok()) << batch.status().message();
  return std::move(*batch);
}

// Port (= element index) of each element of a NEWSETELEM message. Parsed
// with libmnl: libnftnl's nftnl_set_elems_nlmsg_parse() only accepts
// element nests of type NFTA_LIST_ELEM, while nft (and libnftnl's own
// builder) number them 1, 2, 3...
// The nested attributes of `a` (libmnl's iteration macros need C).
std::vector<const nlattr*> Children(const void* payload, size_t len) {
  std::vector<const nlattr*> out;
  auto* a = static_cast<const nlattr*>(payload);
  int rest = static_cast<int>(len);
  for (; mnl_attr_ok(a, rest); a = mnl_attr_next(a)) {
    out.push_back(a);
    rest -= MNL_ALIGN(a->nla_len);
  }
  return out;
}

std::vector<const nlattr*> Nested(const nlattr* a) {
  return Children(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

std::vector<int> Indexes(const nlmsghdr* nlh) {
  std::vector<int> out;
  size_t hdr = MNL_ALIGN(sizeof(nfgenmsg));
  auto top =
      Children(static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + hdr,
               mnl_nlmsg_get_payload_len(nlh) - hdr);
  for (const nlattr* a : top) {
    if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS) continue;
    for (const nlattr* elem : Nested(a)) {
      for (const nlattr* f : Nested(elem)) {
        if (mnl_attr_get_type(f) != NFTA_SET_ELEM_KEY) continue;
        auto* b =
            static_cast<const uint8_t*>(mnl_attr_get_payload(Nested(f).at(0)));
        out.push_back(b[4] << 8 | b[5]);
      }
    }
  }
  return out;
}

TEST(NftBatchSplitTest, ElementsSpreadOverMessagesAndPages) {
  BatchOptions opt;
  opt.page_size = 65536;
  Batch batch = BuildFlows(opt);
  std::vector<uint8_t> bytes = batch.Bytes();
  size_t page_total = 0;
  for (const iovec& v : batch.Iovecs()) {
    EXPECT_LE(v.iov_len, opt.page_size);
    page_total += v.iov_len;
  }
  EXPECT_GT(batch.Iovecs().size(), 1u);
  EXPECT_EQ(page_total, bytes.size());

  int len = static_cast<int>(bytes.size());
  std::vector<int> all;
  int messages = 0;
  for (auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
       mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
    if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWSETELEM) continue;
    ++messages;
    EXPECT_LE(nlh->nlmsg_len, 65535u);
    for (int i : Indexes(nlh)) all.push_back(i);
  }
  EXPECT_GT(messages, 1);
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(all[i], i) << "order";
}

TEST(NftBatchSplitTest, EachPartIsDescribedAndElementsFoundByOffset) {
  BatchOptions opt;
  opt.max_message = 4096;
  Batch batch = BuildFlows(opt);
  // seq 1 is BATCH_BEGIN; 2.. are the parts; the last is BATCH_END.
  ASSERT_NE(batch.Seq(1), nullptr);
  EXPECT_EQ(batch.Seq(1)->elems, nullptr);
  EXPECT_EQ(batch.Seq(0), nullptr);
  const netlink::SeqInfo& first = *batch.Seq(2);
  ASSERT_NE(first.elems, nullptr);
  ASSERT_FALSE(first.elems->elements.empty());
  size_t per_part = first.elems->elements.size();
  EXPECT_EQ(first.what, "elements of flows (elements 1-" +
                            std::to_string(per_part) + " of 5000)");
  EXPECT_EQ(batch.messages(), 2 + (kCount + per_part - 1) / per_part);
  EXPECT_EQ(batch.Seq(batch.last_seq() + 1), nullptr);
  const netlink::SeqInfo& second = *batch.Seq(3);
  uint32_t third = second.elems->elements[2].first;
  EXPECT_EQ(batch.MessageText(3, third + 8),
            second.what + ": elem " + std::to_string(per_part + 2));
  EXPECT_EQ(batch.MessageText(3), second.what);
}

}  // namespace
}  // namespace lvsnft::testing
