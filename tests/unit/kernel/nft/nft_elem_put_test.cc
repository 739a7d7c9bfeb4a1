// The raw element encoder against libnftnl: for every kind of element
// lvsnft sends, a batch built from raw elements must hold exactly the
// bytes libnftnl writes for the same elements (attributes, order,
// padding, nest flags, message splits).
#include "kernel/nft/nft_elem_put.h"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>

#include "kernel/nft/nft_batch.h"
#include "kernel/nft/nft_elements.h"
#include "kernel/nft/nft_objects.h"
#include "kernel/nft/nft_tag.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using DT = plan::DataType;
using netlink::RawElement;

struct Case {
  const char* desc;
  plan::Set set;
};

plan::Set WithElements(plan::Set s, std::vector<plan::Element> elems) {
  s.elements = std::move(elems);
  return s;
}

plan::Set Interval(plan::Set s) {
  s.interval = true;
  return s;
}

plan::Set VerdictMap(plan::Set s) {
  s.verdict_map = true;
  return s;
}

std::vector<Case> Cases() {
  return {
      {"plain set",
       WithElements(Set("p", {DT::kIpv4Addr}),
                    {E({Addr("10.0.0.1")}), E({Addr("10.0.0.2")})})},
      {"concatenation",
       WithElements(Set("c", {DT::kInetProto, DT::kIpv4Addr, DT::kInetService}),
                    {E({Proto(6), Addr("10.0.0.1"), Port(80)}),
                     E({Proto(17), Addr("10.0.0.2"), Port(53)})})},
      {"interval with key_end (concatenated ranges)",
       WithElements(
           Interval(Set("k", {DT::kMark, DT::kIpv4Addr})),
           {Range({Mark(1), Addr("10.0.0.0")}, {Mark(1), Addr("10.0.0.255")}),
            E({Mark(2), Addr("10.0.1.1")})})},
      {"segments: leading end, end flags, open range userdata",
       WithElements(Interval(Set("s", {DT::kMark})),
                    {Range({Mark(0x10)}, {Mark(0x1f)}),
                     Range({Mark(0xffffff00)}, {Mark(0xffffffff)})})},
      {"verdict map: jump, goto, accept, drop",
       WithElements(VerdictMap(Set("v", {DT::kMark})),
                    {V({Mark(1)}, Jump("svc_a")), V({Mark(2)}, Goto("svc_b")),
                     V({Mark(3)}, Accept()), V({Mark(4)}, Drop())})},
      {"interval verdict map",
       WithElements(Interval(VerdictMap(Set("iv", {DT::kMark}))),
                    {V({Mark(1)}, Jump("c1"), {Mark(9)})})},
      {"map data",
       WithElements(Set("m", {DT::kMark}, {DT::kIpv4Addr, DT::kInetService}),
                    {E({Mark(1)}, {Addr("10.0.0.1"), Port(80)}),
                     E({Mark(2)}, {Addr("10.0.0.2"), Port(8080)})})},
  };
}

std::vector<uint8_t> Bytes(netlink::Op op, uint32_t max_message) {
  std::vector<netlink::Op> ops;
  ops.push_back(std::move(op));
  netlink::BatchOptions opt;
  opt.max_message = max_message;
  auto b = netlink::Batch::Build(std::move(ops), opt);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return b.ok() ? b->Bytes() : std::vector<uint8_t>{};
}

netlink::SetPtr Holder(const std::string& name) {
  return netlink::SetHandle({plan::TableFamily::kInet, "t"}, name, 7);
}

// The same elements through libnftnl element objects (the oracle).
std::vector<uint8_t> ViaNftnl(const std::string& set,
                              const std::vector<RawElement>& raw, bool add,
                              uint32_t max_message) {
  netlink::SetPtr holder = Holder(set);
  for (const RawElement& r : raw)
    nftnl_set_elem_add(holder.get(), netlink::ToNftnl(r, add));
  return Bytes(add ? netlink::AddElements(std::move(holder), "x")
                   : netlink::DeleteElements(std::move(holder), "x"),
               max_message);
}

std::vector<uint8_t> Direct(const std::string& set,
                            const std::vector<RawElement>& raw, bool add,
                            uint32_t max_message) {
  auto shared = std::make_shared<const std::vector<RawElement>>(raw);
  return Bytes(add ? netlink::AddRawElements(Holder(set), "x", shared)
                   : netlink::DeleteRawElements(Holder(set), "x", shared),
               max_message);
}

TEST(NftElemPutTest, SameBytesAsLibnftnl) {
  for (const Case& c : Cases()) {
    auto raw = netlink::BuildRawElements(c.set, c.set.elements, true);
    ASSERT_TRUE(raw.ok()) << c.desc << ": " << raw.status().message();
    for (bool add : {true, false}) {
      auto want = ViaNftnl(c.set.name, *raw, add, 65535);
      EXPECT_GT(want.size(), 0u);
      EXPECT_EQ(Direct(c.set.name, *raw, add, 65535), want)
          << c.desc << (add ? " (add)" : " (delete)");
    }
  }
}

TEST(NftElemPutTest, UserdataAndFlagsOnAnyElement) {
  RawElement r;
  r.key = {1, 2, 3};  // padded to 4 on the wire
  r.flags = NFT_SET_ELEM_INTERVAL_END;
  r.data = {9, 8, 7, 6, 5};
  r.udata = {0xf0, 2, 0xaa, 0xbb, 0xcc};
  std::vector<RawElement> raw{r};
  for (bool add : {true, false})
    EXPECT_EQ(Direct("u", raw, add, 65535), ViaNftnl("u", raw, add, 65535));
}

// Many elements over small messages: the split points match libnftnl's,
// so the sizes the encoder predicts are exact. Chain names of 7 bytes
// (8 with the NUL) need no padding: libmnl leaves attribute padding as
// the buffer held it, and libnftnl's rolled-back entry leaves other bytes
// there than the encoder, which checks the size before writing.
TEST(NftElemPutTest, SplitsLikeLibnftnl) {
  plan::Set s = VerdictMap(Set("big", {DT::kMark, DT::kIpv4Addr}));
  for (uint32_t i = 0; i < 700; ++i) {
    IpAddr a = A("10.0.0.0");
    a.bytes[3] = static_cast<uint8_t>(i);
    s.elements.push_back(
        V({Mark(i), plan::AddrValue(a)},
          i % 2 ? Jump("ch" + std::to_string(10000 + i)) : Accept()));
  }
  auto raw = netlink::BuildRawElements(s, s.elements, true);
  ASSERT_TRUE(raw.ok());
  for (bool add : {true, false}) {
    auto want = ViaNftnl("big", *raw, add, 1024);
    EXPECT_GT(want.size(), 8u * 1024) << "several messages";
    EXPECT_EQ(Direct("big", *raw, add, 1024), want);
  }
}

TEST(NftElemPutTest, EntrySizeIsWhatIsWritten) {
  for (const Case& c : Cases()) {
    auto raw = netlink::BuildRawElements(c.set, c.set.elements, true);
    ASSERT_TRUE(raw.ok());
    for (const RawElement& r : *raw) {
      for (bool with_data : {true, false}) {
        alignas(4) char buf[1024] = {};
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
        uint32_t before = nlh->nlmsg_len;
        netlink::PutElementEntry(nlh, 1, r, with_data);
        EXPECT_EQ(nlh->nlmsg_len - before,
                  netlink::ElementEntrySize(r, with_data))
            << c.desc;
      }
    }
  }
}

TEST(NftElemPutTest, ElementTooLargeForAMessage) {
  RawElement r;
  r.key = SmallBytes{1, 1, 1, 1};
  r.udata.assign(2000, 0);
  std::vector<netlink::Op> ops;
  ops.push_back(netlink::AddRawElements(
      Holder("s"), "elements of s",
      std::make_shared<const std::vector<RawElement>>(1, r)));
  netlink::BatchOptions opt;
  opt.max_message = 1024;
  auto b = netlink::Batch::Build(std::move(ops), opt);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            "elements of s: element too large for a message");
}

}  // namespace
}  // namespace lvsnft::testing
