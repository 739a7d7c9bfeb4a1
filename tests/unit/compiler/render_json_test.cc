// Unit tests of the nft JSON renderer (no root): the JSON form of every
// statement kind, of sets, chains, elements and tables, determinism, and a
// golden file for a small plan. tests/kernel/render_json.test.sh checks
// that Debian 12's nft loads these forms into the intended ruleset.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/json_stmt.h"
#include "compiler/render.h"

namespace lvsnft {
namespace {

using nlohmann::json;
using namespace plan;  // NOLINT: the plan vocabulary

IpAddr Ip(const char* s) { return *IpAddr::Parse(s); }
FieldRef F(Field f, std::vector<uint8_t> mask = {}) { return {f, mask}; }

struct StmtCase {
  const char* desc;
  Stmt stmt;
  const char* want;  // JSON text
};

// Ip saddr & 255.255.255.0 . ct mark: the persistence key.
Key FlowKey() {
  return {F(Field::kIpSaddr, AddrValue(Ip("255.255.255.0")).bytes.ToVector()),
          F(Field::kCtMark)};
}

// Matches and lookups: values are read in the layout of their field.
std::vector<StmtCase> MatchCases() {
  using enum Field;
  const Key flow = FlowKey();
  return {
      {"match nfproto by name", Match{F(kMetaNfproto), {DataType::kMark, {2}}},
       R"({"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}})"},
      {"match ethertype by name",
       Match{F(kMetaProtocol), {DataType::kMark, {0x86, 0xdd}}},
       R"({"match":{"op":"==","left":{"meta":{"key":"protocol"}},"right":"ip6"}})"},
      {"match unnamed ethertype as integer",
       Match{F(kMetaProtocol), {DataType::kMark, {0x88, 0xa8}}},
       R"({"match":{"op":"==","left":{"meta":{"key":"protocol"}},"right":34984}})"},
      {"match l4proto", Match{F(kMetaL4proto), ProtoValue(132)},
       R"({"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"sctp"}})"},
      {"match unnamed l4proto", Match{F(kMetaL4proto), ProtoValue(200)},
       R"({"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":200}})"},
      {"match masked mark",
       Match{F(kMetaMark, MarkValue(0xffff0000).bytes.ToVector()),
             MarkValue(0x4c560000)},
       R"({"match":{"op":"==","left":{"&":[{"meta":{"key":"mark"}},4294901760]},"right":1280704512}})"},
      {"match ct mark", Match{F(kCtMark), MarkValue(5)},
       R"({"match":{"op":"==","left":{"ct":{"key":"mark"}},"right":5}})"},
      {"match ip6 daddr", Match{F(kIp6Daddr), AddrValue(Ip("2001:db8::1"))},
       R"({"match":{"op":"==","left":{"payload":{"protocol":"ip6","field":"daddr"}},"right":"2001:db8::1"}})"},
      {"match masked th sport", Match{F(kThSport, {0xff, 0}), PortValue(256)},
       R"({"match":{"op":"==","left":{"&":[{"payload":{"protocol":"th","field":"sport"}},65280]},"right":256}})"},
      {"lookup concat with mask", Lookup{flow, "persist4"},
       R"({"match":{"op":"==","left":{"concat":[{"&":[{"payload":{"protocol":"ip","field":"saddr"}},"255.255.255.0"]},{"ct":{"key":"mark"}}]},"right":"@persist4"}})"},
      {"vmap one field", VmapLookup{{F(kMetaMark)}, "targets"},
       R"({"vmap":{"key":{"meta":{"key":"mark"}},"data":"@targets"}})"},
  };
}

// Statements that act: marks, updates, NAT, fwd, counter, verdicts.
std::vector<StmtCase> ActionCases() {
  using enum Field;
  const Key flow = FlowKey();
  return {
      {"mark set constant", SetMark{kCtMark, 0xdeadbeefu},
       R"({"mangle":{"key":{"ct":{"key":"mark"}},"value":3735928559}})"},
      {"mark set numgen inc", SetMark{kCtMark, Numgen{false, 4, 0x4c560000}},
       R"({"mangle":{"key":{"ct":{"key":"mark"}},"value":{"numgen":{"mode":"inc","mod":4,"offset":1280704512}}}})"},
      {"mark set numgen random", SetMark{kMetaMark, Numgen{true, 7, 0}},
       R"({"mangle":{"key":{"meta":{"key":"mark"}},"value":{"numgen":{"mode":"random","mod":7,"offset":0}}}})"},
      {"mark set jhash concat",
       SetMark{kMetaMark, Jhash{{F(kIpSaddr), F(kThSport)}, 4093, 0x5eed, 16}},
       R"({"mangle":{"key":{"meta":{"key":"mark"}},"value":{"jhash":{"expr":{"concat":[{"payload":{"protocol":"ip","field":"saddr"}},{"payload":{"protocol":"th","field":"sport"}}]},"mod":4093,"seed":24301,"offset":16}}}})"},
      {"mark set map", SetMark{kMetaMark, MapOf{kMetaMark, "slots"}},
       R"({"mangle":{"key":{"meta":{"key":"mark"}},"value":{"map":{"key":{"meta":{"key":"mark"}},"data":"@slots"}}}})"},
      {"update with timeout in seconds", Update{"persist4", flow, 600000},
       R"({"set":{"op":"update","set":"@persist4","elem":{"elem":{"timeout":600,"val":{"concat":[{"&":[{"payload":{"protocol":"ip","field":"saddr"}},"255.255.255.0"]},{"ct":{"key":"mark"}}]}}}}})"},
      {"update sub-second timeout rounds up", Update{"s", {F(kIpDaddr)}, 1500},
       R"({"set":{"op":"update","set":"@s","elem":{"elem":{"timeout":2,"val":{"payload":{"protocol":"ip","field":"daddr"}}}}}})"},
      {"update without timeout", Update{"s", {F(kIpDaddr)}, 0},
       R"({"set":{"op":"update","set":"@s","elem":{"payload":{"protocol":"ip","field":"daddr"}}}})"},
      {"dnat to address", Nat{NatKind::kDnat, IpFamily::kV4, Ip("10.0.0.1")},
       R"({"dnat":{"family":"ip","addr":"10.0.0.1"}})"},
      {"dnat ip6 via address map : port map",
       Nat{NatKind::kDnat, IpFamily::kV6, NatAddrMap{kCtMark, "be6", "bep"}},
       R"({"dnat":{"family":"ip6","addr":{"map":{"key":{"ct":{"key":"mark"}},"data":"@be6"}},"port":{"map":{"key":{"ct":{"key":"mark"}},"data":"@bep"}}}})"},
      {"snat round robin",
       Nat{NatKind::kSnat, IpFamily::kV4,
           NatRoundRobin{{Ip("10.0.0.1"), Ip("10.0.0.2")}}},
       R"({"snat":{"family":"ip","addr":{"map":{"key":{"numgen":{"mode":"inc","mod":2,"offset":0}},"data":{"set":[[0,"10.0.0.1"],[1,"10.0.0.2"]]}}}}})"},
      {"masquerade", Nat{NatKind::kMasquerade, IpFamily::kV4, std::monostate{}},
       R"({"masquerade":null})"},
      {"fwd ip6", Fwd{Ip("2001:db8::10"), "eth0"},
       R"({"fwd":{"dev":"eth0","family":"ip6","addr":"2001:db8::10"}})"},
      {"counter", Counter{}, R"({"counter":null})"},
      {"accept", Verdict{VerdictKind::kAccept, ""}, R"({"accept":null})"},
      {"drop", Verdict{VerdictKind::kDrop, ""}, R"({"drop":null})"},
      {"return", Verdict{VerdictKind::kReturn, ""}, R"({"return":null})"},
      {"jump", Verdict{VerdictKind::kJump, "a"}, R"({"jump":{"target":"a"}})"},
      {"goto", Verdict{VerdictKind::kGoto, "b"}, R"({"goto":{"target":"b"}})"},
  };
}

TEST(RenderJsonTest, StatementForms) {
  for (const auto& cases : {MatchCases(), ActionCases()}) {
    for (const auto& c : cases) {
      EXPECT_EQ(nftjson::StmtJson(c.stmt), json::parse(c.want)) << c.desc;
    }
  }
}

// The plan of the golden file: one table of each family, every container
// feature (set flags, sizes, timeouts, counters, comments, ranges, base
// chains with and without a device).
Plan SmallPlan() {
  Set svc{.name = "svc4",
          .key = {DataType::kInetProto, DataType::kIpv4Addr,
                  DataType::kInetService},
          .verdict_map = true,
          .interval = true,
          .counter = true,
          .comment = "dispatch"};
  Element e;
  e.key = {ProtoValue(6), AddrValue(Ip("192.168.10.100")), PortValue(8000)};
  e.key_end = {ProtoValue(6), AddrValue(Ip("192.168.10.100")), PortValue(8010)};
  e.verdict = Verdict{VerdictKind::kGoto, "svc_web"};
  svc.elements = {e};
  Set be{
      .name = "be4a", .key = {DataType::kMark}, .data = {DataType::kIpv4Addr}};
  Element b;
  b.key = {MarkValue(0x4c560000)};
  b.data = {AddrValue(Ip("192.168.1.10"))};
  be.elements = {b};
  Set persist{.name = "persist4",
              .key = {DataType::kIpv4Addr, DataType::kMark},
              .dynamic = true,
              .timeout = true,
              .timeout_ms = 300000,
              .size = 65535};
  Chain pre{.name = "prerouting",
            .base = BaseChain{"nat", Hook::kPrerouting, -100, ""},
            .comment = "dispatch"};
  pre.rules = {Rule{{VmapLookup{{F(Field::kMetaL4proto), F(Field::kIpDaddr),
                                 F(Field::kThDport)},
                                "svc4"}},
                    "dispatch IPv4"}};
  Chain web{.name = "svc_web"};
  web.rules = {
      Rule{{Update{"persist4", {F(Field::kIpSaddr), F(Field::kCtMark)}},
            Nat{NatKind::kDnat, IpFamily::kV4,
                NatAddrMap{Field::kCtMark, "be4a", ""}}}}};
  Table inet{TableFamily::kInet,
             "lvsnft",
             kOwnerComment,
             {svc, be, persist},
             {pre, web}};
  Chain ingress{.name = "ingress_eth0",
                .base = BaseChain{"filter", Hook::kIngress, -500, "eth0"}};
  ingress.rules = {Rule{{Counter{}, Fwd{Ip("192.168.1.10"), "eth0"}}, "to rs"}};
  Table netdev{TableFamily::kNetdev, "lvsnft", kOwnerComment, {}, {ingress}};
  return Plan{{inet, netdev}, {}};
}

TEST(RenderJsonTest, Deterministic) {
  const Plan p = SmallPlan();
  const std::string a = RenderJson(p);
  const std::string b = RenderJson(p);
  EXPECT_EQ(a, b);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.back(), '\n');
  EXPECT_EQ(a.substr(0, 18), "{\n  \"nftables\": [\n");
}

// LVSNFT_UPDATE_GOLDEN=1 rewrites the golden file (review the diff).
TEST(RenderJsonTest, MatchesGoldenFile) {
  const std::string path = std::string(LVSNFT_SOURCE_DIR) +
                           "/tests/unit/data/render_json_small.json";
  if (std::getenv("LVSNFT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << RenderJson(SmallPlan());
  }
  std::ifstream f(path, std::ios::binary);
  ASSERT_TRUE(f) << "cannot read " << path;
  std::stringstream golden;
  golden << f.rdbuf();
  EXPECT_EQ(RenderJson(SmallPlan()), golden.str());
}

// Commands of the rendered plan, without the metainfo object.
std::vector<json> Commands(const Plan& p) {
  json doc = json::parse(RenderJson(p));
  std::vector<json> cmds(doc["nftables"].begin() + 1, doc["nftables"].end());
  return cmds;
}

TEST(RenderJsonTest, TableIsRecreatedEmptyThenFilledInOrder) {
  const std::vector<json> cmds = Commands(SmallPlan());
  std::vector<std::string> kinds;
  for (const auto& c : cmds) {
    const auto& [op, body] = *c.items().begin();
    kinds.push_back(op + " " + body.items().begin().key());
  }
  const std::vector<std::string> want = {
      "add table", "delete table", "add table", "add map",      "add map",
      "add set",   "add chain",    "add chain", "add element",  "add element",
      "add rule",  "add rule",     "add table", "delete table", "add table",
      "add chain", "add rule"};
  EXPECT_EQ(kinds, want);
  EXPECT_EQ(cmds[0],
            R"({"add":{"table":{"family":"inet","name":"lvsnft"}}})"_json);
  EXPECT_EQ(cmds[2]["add"]["table"]["comment"], kOwnerComment);
}

struct ContainerCase {
  const char* desc;
  size_t index;      // into Commands(SmallPlan())
  const char* want;  // JSON text
};

TEST(RenderJsonTest, ContainerForms) {
  const ContainerCase cases[] = {
      {"verdict map: type array, counter stmt, no dynamic flag", 3,
       R"({"add":{"map":{"family":"inet","table":"lvsnft","name":"svc4","type":["inet_proto","ipv4_addr","inet_service"],"map":"verdict","flags":["interval"],"stmt":[{"counter":null}],"comment":"dispatch"}}})"},
      {"data map", 4,
       R"({"add":{"map":{"family":"inet","table":"lvsnft","name":"be4a","type":"mark","map":"ipv4_addr"}}})"},
      {"dynamic timeout set: flags without dynamic, seconds", 5,
       R"({"add":{"set":{"family":"inet","table":"lvsnft","name":"persist4","type":["ipv4_addr","mark"],"flags":["timeout"],"timeout":300,"size":65535}}})"},
      {"nat base chain", 6,
       R"({"add":{"chain":{"family":"inet","table":"lvsnft","name":"prerouting","type":"nat","hook":"prerouting","prio":-100,"policy":"accept","comment":"dispatch"}}})"},
      {"regular chain", 7,
       R"({"add":{"chain":{"family":"inet","table":"lvsnft","name":"svc_web"}}})"},
      {"verdict map element with a range inside the concatenation", 8,
       R"({"add":{"element":{"family":"inet","table":"lvsnft","name":"svc4","elem":[[{"concat":["tcp","192.168.10.100",{"range":[8000,8010]}]},{"goto":{"target":"svc_web"}}]]}}})"},
      {"data map element", 9,
       R"({"add":{"element":{"family":"inet","table":"lvsnft","name":"be4a","elem":[[1280704512,"192.168.1.10"]]}}})"},
      {"rule with comment", 10,
       R"({"add":{"rule":{"family":"inet","table":"lvsnft","chain":"prerouting","comment":"dispatch IPv4","expr":[{"vmap":{"key":{"concat":[{"meta":{"key":"l4proto"}},{"payload":{"protocol":"ip","field":"daddr"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@svc4"}}]}}})"},
      {"netdev ingress chain with dev", 15,
       R"({"add":{"chain":{"family":"netdev","table":"lvsnft","name":"ingress_eth0","type":"filter","hook":"ingress","prio":-500,"policy":"accept","dev":"eth0"}}})"},
  };
  const std::vector<json> cmds = Commands(SmallPlan());
  for (const auto& c : cases) {
    ASSERT_LT(c.index, cmds.size()) << c.desc;
    EXPECT_EQ(cmds[c.index], json::parse(c.want)) << c.desc;
  }
}

TEST(RenderJsonTest, ConcatenatedMapDataUsesTypeArray) {
  Set be{.name = "be4",
         .key = {DataType::kMark},
         .data = {DataType::kIpv4Addr, DataType::kInetService}};
  Element e;
  e.key = {MarkValue(1)};
  e.data = {AddrValue(Ip("192.168.1.10")), PortValue(8080)};
  be.elements = {e};
  Plan p{{Table{TableFamily::kInet, "t", "", {be}, {}}}, {}};
  const std::vector<json> cmds = Commands(p);
  ASSERT_EQ(cmds.size(), 5u);
  EXPECT_EQ(cmds[3]["add"]["map"]["map"],
            R"(["ipv4_addr","inet_service"])"_json);
  EXPECT_EQ(cmds[4]["add"]["element"]["elem"],
            R"([[1,{"concat":["192.168.1.10",8080]}]])"_json);
}

TEST(RenderJsonTest, EmptyPlanIsMetainfoOnly) {
  EXPECT_EQ(RenderJson(Plan{}),
            "{\n  \"nftables\": [\n    {\n      \"metainfo\": {\n        "
            "\"json_schema_version\": 1\n      }\n    }\n  ]\n}\n");
}

TEST(RenderJsonTest, InvalidUtf8InCommentIsReplacedNotThrown) {
  Chain c{.name = "c"};
  c.rules = {Rule{{Counter{}}, "bad \xff byte"}};
  Plan p{{Table{TableFamily::kInet, "t", "", {}, {c}}}, {}};
  std::string out;
  ASSERT_NO_THROW(out = RenderJson(p));
  EXPECT_NE(out.find("\"bad \xef\xbf\xbd byte\""), std::string::npos);
}

}  // namespace
}  // namespace lvsnft
