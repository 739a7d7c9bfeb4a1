// The oracle case table, checked without root, and the writer that hands
// the cases to tests/kernel/nftnl_oracle.test.sh.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "kernel/nft/nft_batch.h"
#include "kernel/nft/nft_plan.h"
#include "nft_oracle_cases.h"

namespace lvsnft::testing {
namespace {

using netlink::Batch;
using netlink::SetIds;

std::vector<OracleCase> AllCases() {
  std::vector<OracleCase> all = InetOracleCases();
  for (auto& c : NetdevOracleCases()) all.push_back(std::move(c));
  return all;
}

std::optional<uint32_t> FakeIfindex(const std::string& dev) {
  if (dev == kOracleDevice) return 3;
  return std::nullopt;
}

std::optional<uint32_t> RealIfindex(const std::string& dev) {
  unsigned index = if_nametoindex(dev.c_str());
  if (index == 0) return std::nullopt;
  return index;
}

TEST(NftOracleTest, EveryCaseLowersAndBatches) {
  std::set<std::string> names;
  for (auto& c : AllCases()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate " << c.name;
    EXPECT_FALSE(c.desc.empty()) << c.name;
    SetIds ids;
    auto ops = netlink::CreateTableOps(c.table, FakeIfindex, ids);
    ASSERT_TRUE(ops.ok()) << c.name << ": " << ops.status().message();
    EXPECT_NE(netlink::DebugOps(*ops).find("  [ "), std::string::npos)
        << c.name;
    auto batch = Batch::Build(std::move(*ops), {});
    ASSERT_TRUE(batch.ok()) << c.name << ": " << batch.status().message();
    EXPECT_GT(batch->Bytes().size(), 0u) << c.name;
  }
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// The batch as `nft --debug=mnl -c` prints what it sends (no BATCH_END).
std::string MnlDump(std::vector<netlink::Op> ops) {
  netlink::BatchOptions opt;
  opt.commit = false;
  auto batch = Batch::Build(std::move(ops), opt);
  if (!batch.ok()) return "error: " + batch.status().message() + "\n";
  std::vector<uint8_t> bytes = batch->Bytes();
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  mnl_nlmsg_fprintf(f, bytes.data(), bytes.size(), sizeof(nfgenmsg));
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

// Writes, for every case, NAME.nft (the hand-written text), NAME.expected
// (lvsnft's bytecode in nft --debug=netlink format), NAME.mnl (lvsnft's
// messages in nft --debug=mnl format) and a line "NAME<TAB>description" in
// cases.list. Run inside the test namespace so that the fwd device
// resolves to its real index there.
TEST(NftOracleDump, WriteCases) {
  const char* dir = std::getenv("LVSNFT_ORACLE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "LVSNFT_ORACLE_DIR not set";
  std::string list;
  for (auto& c : AllCases()) {
    SetIds ids;
    auto ops = netlink::CreateTableOps(c.table, RealIfindex, ids);
    ASSERT_TRUE(ops.ok()) << c.name << ": " << ops.status().message();
    std::string base = std::string(dir) + "/" + c.name;
    WriteFile(base + ".nft", c.nft);
    WriteFile(base + ".expected", netlink::DebugOps(*ops));
    WriteFile(base + ".mnl", MnlDump(std::move(*ops)));
    list += c.name + "\t" + c.desc + "\n";
  }
  WriteFile(std::string(dir) + "/cases.list", list);
}

}  // namespace
}  // namespace lvsnft::testing
