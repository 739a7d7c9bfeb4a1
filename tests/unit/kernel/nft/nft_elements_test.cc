// Element encoding: padding, byte order, nft's interval segments, checks.
#include "kernel/nft/nft_elements.h"

#include <gtest/gtest.h>

#include <span>

#include "kernel/nft/nft_debug.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/nft/nft_objects.h"
#include "kernel/nft/nft_plan.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using DT = plan::DataType;

std::string Hex(std::span<const uint8_t> b) {
  std::string out;
  char buf[3];
  for (uint8_t c : b) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    out += buf;
  }
  return out;
}

// The elements as nft --debug=netlink prints them (one per line here).
std::string Render(const plan::Set& s, const std::vector<plan::Element>& in,
                   bool first_segment) {
  auto elems = netlink::BuildElements(s, in, first_segment);
  if (!elems.ok()) return "error: " + elems.status().message();
  netlink::SetPtr holder = netlink::SetHandle({}, s.name, 0);
  for (auto& e : *elems) nftnl_set_elem_add(holder.get(), e.release());
  std::string text = netlink::DebugElements(holder.get());
  std::string out;
  for (char c : text.substr(text.find('\t') + 1)) out += c == '\t' ? '\n' : c;
  return out;
}

TEST(NftElementsTest, EncodeValues) {
  struct Case {
    const char* desc;
    std::vector<plan::Value> values;
    bool big_endian;
    const char* hex;
  };
  const Case cases[] = {
      {"single port is 2 bytes", {Port(80)}, false, "0050"},
      {"single mark is host order", {Mark(0x4c560000)}, false, "0000564c"},
      {"interval mark is big endian", {Mark(0x4c560000)}, true, "4c560000"},
      {"concat pads every component to 4 bytes",
       {Proto(6), Addr("10.0.0.1"), Port(80)},
       false,
       "060000000a00000100500000"},
      {"big endian swaps only marks",
       {Mark(1), Addr("10.0.0.1")},
       true,
       "000000010a000001"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Hex(netlink::EncodeValues(c.values, c.big_endian)), c.hex)
        << c.desc;
}

TEST(NftElementsTest, IntervalSegments) {
  plan::Set marks = Set("m", {DT::kMark});
  marks.interval = true;
  struct Case {
    const char* desc;
    std::vector<plan::Element> elems;
    bool first_segment;
    const char* expected;
  };
  const Case cases[] = {
      {"sorted, leading end element, singleton becomes [x, x+1)",
       {Range({Mark(0x20)}, {Mark(0x2f)}), E({Mark(0x10)})},
       true,
       "element 00000000  : 1 [end]\nelement 10000000  : 0 [end]\n"
       "element 11000000  : 1 [end]\nelement 20000000  : 0 [end]\n"
       "element 30000000  : 1 [end]\n"},
      {"no leading end element when adding to a populated set",
       {E({Mark(0x10)})},
       false,
       "element 10000000  : 0 [end]\nelement 11000000  : 1 [end]\n"},
      {"no leading end element when the first range starts at 0",
       {Range({Mark(0)}, {Mark(0xff)})},
       true,
       "element 00000000  : 0 [end]\nelement 00010000  : 1 [end]\n"},
      {"range up to the largest value is open (element userdata)",
       {Range({Mark(0xffffff00)}, {Mark(0xffffffff)})},
       false,
       "element 00ffffff  : 0 [end]  userdata = { \\x01\\x04\\x01\\x00\\x00"
       "\\x00 }\n"},
      {"adjacent ranges keep both end and start",
       {Range({Mark(1)}, {Mark(1)}), Range({Mark(2)}, {Mark(2)})},
       false,
       "element 01000000  : 0 [end]\nelement 02000000  : 1 [end]\n"
       "element 02000000  : 0 [end]\nelement 03000000  : 1 [end]\n"},
      {"overlapping ranges are refused",
       {Range({Mark(1)}, {Mark(5)}), E({Mark(3)})},
       true,
       "error: set m: conflicting intervals specified"},
      {"reversed range is refused",
       {Range({Mark(5)}, {Mark(1)})},
       true,
       "error: set m: range start is above its end"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Render(marks, c.elems, c.first_segment), c.expected) << c.desc;
}

TEST(NftElementsTest, IntervalMapDataOnlyOnStarts) {
  plan::Set m = Set("vm", {DT::kMark});
  m.verdict_map = m.interval = true;
  EXPECT_EQ(Render(m, {V({Mark(0x10)}, Jump("a"), {Mark(0x1f)})}, true),
            "element 00000000  : 1 [end]\n"
            "element 10000000  : jump -> a 0 [end]\n"
            "element 20000000  : 1 [end]\n");
}

TEST(NftElementsTest, ConcatIntervalCarriesKeyEnd) {
  plan::Set s = Set("s", {DT::kMark, DT::kIpv4Addr});
  s.interval = true;
  EXPECT_EQ(
      Render(s,
             {Range({Mark(1), Addr("10.0.0.0")}, {Mark(2), Addr("10.0.0.255")}),
              E({Mark(3), Addr("10.0.0.1")})},
             true),
      "element 01000000 0000000a  - 02000000 ff00000a  : 0 [end]\n"
      "element 03000000 0100000a  - 03000000 0100000a  : 0 [end]\n");
}

TEST(NftElementsTest, MapDataAndVerdicts) {
  plan::Set be = Set("be", {DT::kMark}, {DT::kIpv4Addr, DT::kInetService});
  EXPECT_EQ(Render(be, {E({Mark(1)}, {Addr("10.0.0.1"), Port(8080)})}, true),
            "element 00000001  : 0100000a 0000901f 0 [end]\n");
  plan::Set vm = Set("vm", {DT::kMark});
  vm.verdict_map = true;
  EXPECT_EQ(Render(vm, {V({Mark(1)}, Goto("x")), V({Mark(2)}, Drop())}, true),
            "element 00000001  : goto -> x 0 [end]\n"
            "element 00000002  : drop 0 [end]\n");
}

TEST(NftElementsTest, MalformedElementsAreRefused) {
  plan::Set be = Set("be", {DT::kMark}, {DT::kIpv4Addr});
  plan::Set vm = Set("vm", {DT::kMark});
  vm.verdict_map = true;
  struct Case {
    const char* desc;
    const plan::Set* set;
    plan::Element elem;
    const char* error;
  };
  const Case cases[] = {
      {"key with too many components", &be,
       E({Mark(1), Mark(2)}, {Addr("1.1.1.1")}),
       "error: set be: element 1: key has 2 components, expected 1"},
      {"key of the wrong type", &be, E({Port(1)}, {Addr("1.1.1.1")}),
       "error: set be: element 1: key component 1 is not a mark"},
      {"range in a set without interval", &be,
       Range({Mark(1)}, {Mark(2)}, {Addr("1.1.1.1")}),
       "error: set be: element 1: range in a set without interval"},
      {"map element without data", &be, E({Mark(1)}),
       "error: set be: element 1: data has 0 components, expected 1"},
      {"verdict map element without verdict", &vm, E({Mark(1)}),
       "error: set vm: element 1: verdict missing"},
      {"jump without chain", &vm, V({Mark(1)}, Jump("")),
       "error: set vm: element 1: jump or goto without a chain"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Render(*c.set, {c.elem}, true), c.error) << c.desc;
}

TEST(NftElementsTest, OriginMapsBuiltElementsToPlanElements) {
  plan::Set marks = Set("m", {DT::kMark});
  marks.interval = true;
  std::vector<size_t> origin;
  auto elems = netlink::BuildElements(marks, {E({Mark(0x20)}), E({Mark(0x10)})},
                                      true, &origin);
  ASSERT_TRUE(elems.ok());
  std::vector<size_t> expected{netlink::kNoOrigin, 1, 1, 0, 0};
  EXPECT_EQ(origin, expected);
}

// A set with compact slot tables reaching an encoder of plain elements
// is refused with what is true: apply encodes slots from the tables
// (DesiredElements); CreateTableOps wants them expanded first.
TEST(NftElementsTest, PlainEncodersRefuseSlotTablesSayingWhy) {
  plan::Table t;
  t.name = "lvsnft";
  plan::Set& m = t.sets.emplace_back(Set("backend", {DT::kMark}));
  m.data = {DT::kIpv4Addr};
  auto servers = std::make_shared<plan::SlotServers>();
  servers->owner = {0};
  servers->Add("rs");
  m.slot_tables.push_back({"web", 0x100, servers, DT::kIpv4Addr, {}});
  m.slot_tables.back().AddData(Addr("10.0.0.1"));
  auto enc = netlink::EncodeElements(m);
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.status().message(),
            "set backend: compact slot tables reach the plain element "
            "encoder (DesiredElements encodes them)");
  netlink::SetIds ids;
  auto ops = netlink::CreateTableOps(t, nullptr, ids);
  ASSERT_FALSE(ops.ok());
  EXPECT_EQ(ops.status().message(),
            "set inet lvsnft backend: compact slot tables; CreateTableOps "
            "sends plain elements only (expand them with "
            "plan::ExpandSlotTables first)");
}

}  // namespace
}  // namespace lvsnft::testing
