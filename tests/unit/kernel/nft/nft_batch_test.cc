// The batch builder: message layout, flags, sequence table, splitting of
// element lists and pages. Pure: nothing is sent.
#include "kernel/nft/nft_batch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "kernel/nft/nft_elements.h"
#include "kernel/nft/nft_objects.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using netlink::Batch;
using netlink::BatchOptions;
using netlink::Op;
using DT = plan::DataType;

const netlink::TableId kTable{plan::TableFamily::kInet, "t"};

std::vector<const nlmsghdr*> Messages(const std::vector<uint8_t>& bytes) {
  std::vector<const nlmsghdr*> out;
  int len = static_cast<int>(bytes.size());
  auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
  for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
    out.push_back(nlh);
  return out;
}

uint16_t MsgType(const nlmsghdr* nlh) { return nlh->nlmsg_type & 0xff; }

std::vector<Op> SmallOps() {
  plan::Table t = Table(plan::TableFamily::kInet, "t", {}, {}, "c");
  std::vector<Op> ops;
  ops.push_back(netlink::AddTable(std::move(*netlink::BuildTable(t)), "table"));
  ops.push_back(netlink::AddChain(
      std::move(*netlink::BuildChain(kTable, Chain("c", {}))), "chain c"));
  ops.push_back(netlink::FlushChain(kTable, "c"));
  ops.push_back(netlink::DeleteRule(kTable, "c", 7));
  ops.push_back(netlink::DeleteSet(kTable, "s"));
  ops.push_back(netlink::DeleteChain(kTable, "c", 12));
  ops.push_back(netlink::DeleteTable(kTable));
  return ops;
}

TEST(NftBatchTest, MessagesFlagsAndSequenceNumbers) {
  BatchOptions opt;
  opt.first_seq = 100;
  opt.genid = 0x01020304;
  auto batch = Batch::Build(SmallOps(), opt);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  std::vector<uint8_t> bytes = batch->Bytes();
  auto msgs = Messages(bytes);
  struct Expect {
    uint16_t type;
    uint16_t flags;
  };
  const Expect expected[] = {
      {NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST},
      {NFT_MSG_NEWTABLE, NLM_F_REQUEST},
      {NFT_MSG_NEWCHAIN, NLM_F_REQUEST | NLM_F_CREATE},
      {NFT_MSG_DELRULE, NLM_F_REQUEST},
      {NFT_MSG_DELRULE, NLM_F_REQUEST},
      {NFT_MSG_DELSET, NLM_F_REQUEST},
      {NFT_MSG_DELCHAIN, NLM_F_REQUEST},
      {NFT_MSG_DELTABLE, NLM_F_REQUEST},
      {NFNL_MSG_BATCH_END, NLM_F_REQUEST},
  };
  ASSERT_EQ(msgs.size(), std::size(expected));
  for (size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(MsgType(msgs[i]), expected[i].type) << "message " << i;
    EXPECT_EQ(msgs[i]->nlmsg_flags, expected[i].flags) << "message " << i;
    EXPECT_EQ(msgs[i]->nlmsg_seq, 100 + i) << "message " << i;
  }
  EXPECT_EQ(batch->begin_seq(), 100u);
  EXPECT_EQ(batch->last_seq(), 108u);
  // The generation id rides on BATCH_BEGIN.
  const nlattr* genid = static_cast<const nlattr*>(
      mnl_nlmsg_get_payload_offset(msgs[0], sizeof(nfgenmsg)));
  EXPECT_EQ(mnl_attr_get_type(genid), NFNL_BATCH_GENID);
  EXPECT_EQ(ntohl(mnl_attr_get_u32(genid)), 0x01020304u);
}

TEST(NftBatchTest, SequenceTableDescribesEveryMessage) {
  auto batch = Batch::Build(SmallOps(), {});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->MessageText(1), "batch begin (ruleset generation check)");
  EXPECT_EQ(batch->MessageText(2), "table");
  EXPECT_EQ(batch->MessageText(4), "flush chain inet t c");
  EXPECT_EQ(batch->MessageText(5), "delete rule inet t c handle 7");
  EXPECT_EQ(batch->MessageText(6), "delete set inet t s");
  EXPECT_EQ(batch->MessageText(7), "delete chain inet t c");
  EXPECT_EQ(batch->MessageText(8), "delete table inet t");
  EXPECT_EQ(batch->MessageText(9), "batch end (commit)");
  EXPECT_EQ(batch->MessageText(77), "message with unknown sequence number 77");
}

TEST(NftBatchTest, CheckOnlyAndAckOptions) {
  BatchOptions opt;
  opt.commit = false;
  opt.ack = true;
  auto batch = Batch::Build(SmallOps(), opt);
  ASSERT_TRUE(batch.ok());
  std::vector<uint8_t> bytes = batch->Bytes();
  auto msgs = Messages(bytes);
  ASSERT_EQ(msgs.size(), 8u);  // no BATCH_END
  EXPECT_EQ(MsgType(msgs.back()), NFT_MSG_DELTABLE);
  EXPECT_FALSE(msgs.front()->nlmsg_flags & NLM_F_ACK);  // never on BEGIN
  for (size_t i = 1; i < msgs.size(); ++i)
    EXPECT_TRUE(msgs[i]->nlmsg_flags & NLM_F_ACK) << "message " << i;
}

TEST(NftBatchTest, OversizedRuleIsRefused) {
  netlink::RulePtr r(nftnl_rule_alloc());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, 1);
  for (int i = 0; i < 4000; ++i)
    nftnl_rule_add_expr(r.get(), nftnl_expr_alloc("counter"));
  std::vector<Op> ops;
  ops.push_back(netlink::AddRule(std::move(r), "rule 1 of chain c"));
  EXPECT_EQ(Batch::Build(std::move(ops), {}).status().message(),
            // 16 + 4 headers, 4 list nest, 4000 x 20 bytes per counter.
            "rule 1 of chain c: message of 80024 bytes exceeds the limit");
}

TEST(NftBatchTest, InvalidOptions) {
  BatchOptions opt;
  opt.max_message = 100;
  EXPECT_EQ(Batch::Build({}, opt).status().message(),
            "max_message must be between 1024 and 65535");
  opt.max_message = 8192;
  opt.page_size = 4096;
  EXPECT_EQ(Batch::Build({}, opt).status().message(),
            "page_size must hold at least one message");
}

}  // namespace
}  // namespace lvsnft::testing
