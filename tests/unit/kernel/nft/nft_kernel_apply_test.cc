// Kernel half of tests/kernel/nftnl_apply.test.sh: runs only when that
// script sets LVSNFT_KERNEL_NETNS=1 (as root, inside a throw-away netns).
#include <gtest/gtest.h>
#include <net/if.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "kernel/nft/nft_plan.h"
#include "nft_kernel_plan.h"
#include "nft_plan_builders.h"
#include "nft_test_socket.h"

namespace lvsnft::testing {
namespace {

using netlink::Batch;
using netlink::BatchOptions;
using netlink::Op;

class NftKernelApply : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* on = std::getenv("LVSNFT_KERNEL_NETNS");
    if (on == nullptr || std::string(on) != "1")
      GTEST_SKIP() << "kernel test: run by tests/kernel/nftnl_apply.test.sh";
    ASSERT_TRUE(sock_.ok()) << "cannot open a netfilter netlink socket";
  }

  static std::vector<Op> PlanOps() {
    netlink::SetIds ids;
    auto ifindex = [](const std::string& dev) -> std::optional<uint32_t> {
      unsigned i = if_nametoindex(dev.c_str());
      return i == 0 ? std::nullopt : std::optional<uint32_t>(i);
    };
    std::vector<Op> ops;
    for (const plan::Table& t : {KernelInetTable(), KernelNetdevTable()}) {
      auto more = netlink::CreateTableOps(t, ifindex, ids);
      EXPECT_TRUE(more.ok()) << more.status().message();
      if (!more.ok()) return {};
      for (auto& op : *more) ops.push_back(std::move(op));
    }
    return ops;
  }

  TestNfSocket sock_;
};

TEST_F(NftKernelApply, StaleGenerationIsRefusedAndChangesNothing) {
  auto genid = sock_.Genid();
  ASSERT_TRUE(genid.has_value());
  BatchOptions opt;
  opt.genid = *genid + 1000;
  opt.ack = false;  // as apply sends: the refusal comes without NLM_F_ACK
  auto batch = Batch::Build(PlanOps(), opt);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  auto replies = sock_.Send(*batch);
  ASSERT_EQ(replies.size(), 1u) << DescribeErrors(*batch, replies);
  EXPECT_EQ(replies[0].seq, batch->begin_seq());
  EXPECT_EQ(replies[0].error, ERESTART);
  EXPECT_EQ(batch->MessageText(replies[0].seq),
            "batch begin (ruleset generation check)");
  EXPECT_EQ(sock_.Genid(), genid);
}

TEST_F(NftKernelApply, ErrorNamesTheOffendingElement) {
  plan::Set vmap = Set("dispatch", {plan::DataType::kMark});
  vmap.verdict_map = true;
  vmap.elements = {V({Mark(1)}, Jump("present")), V({Mark(2)}, Jump("gone"))};
  vmap.elements[1].service = "ghost";
  vmap.elements[1].real_server = "10.9.9.9";
  plan::Table t = Table(plan::TableFamily::kInet, "lvnl_err", {vmap},
                        {Chain("present", {})});
  netlink::SetIds ids;
  auto ops = netlink::CreateTableOps(t, nullptr, ids);
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  BatchOptions opt;
  opt.ack = false;  // as apply sends: errors come without NLM_F_ACK
  auto batch = Batch::Build(std::move(*ops), opt);
  ASSERT_TRUE(batch.ok());
  auto replies = sock_.Send(*batch);
  EXPECT_EQ(DescribeErrors(*batch, replies),
            "seq " + std::to_string(batch->last_seq() - 1) +
                ": elements of set inet lvnl_err dispatch: service ghost, "
                "real server 10.9.9.9: No such file or directory\n");
}

TEST_F(NftKernelApply, FullPlanInManyPagesAndSplitElementMessages) {
  auto genid = sock_.Genid();
  ASSERT_TRUE(genid.has_value());
  BatchOptions opt;
  opt.genid = *genid;
  opt.ack = true;
  opt.max_message = 1024;  // splits the element lists
  opt.page_size = 4096;    // many pages, still one sendmsg
  auto batch = Batch::Build(PlanOps(), opt);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_GT(batch->Iovecs().size(), 2u);
  auto replies = sock_.Send(*batch);
  EXPECT_EQ(DescribeErrors(*batch, replies), "");
  EXPECT_EQ(replies.size(), batch->messages() - 2);
  const char* text = std::getenv("LVSNFT_KERNEL_TEXT");
  if (text != nullptr) {
    std::ofstream out(text);
    out << KernelPlanText();
    ASSERT_TRUE(out.good());
  }
}

}  // namespace
}  // namespace lvsnft::testing
