// Control-socket request parsing: valid requests and the exact error text
// every kind of bad request gets back.
#include "daemon/request.h"

#include <gtest/gtest.h>

namespace lvsnft::daemon {
namespace {

std::string ErrorOf(const std::string& text) {
  auto r = ParseRequest(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.status().message();
}

TEST(DaemonRequest, ParsesEveryCommand) {
  auto st = ParseRequest(R"({"command":"status"})");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->kind, Request::Kind::kStatus);
  auto set =
      ParseRequest(R"({"command":"set","service":"web","server":"10.0.0.2:80",)"
                   R"("weight":7,"state":"drain"})");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->kind, Request::Kind::kSet);
  EXPECT_EQ(set->target.Target(), "web 10.0.0.2:80");
  EXPECT_EQ(set->target.weight, 7u);
  EXPECT_EQ(set->target.state, RsState::kDrain);
  auto v6 = ParseRequest(
      R"({"command":"clear","service":"web","server":"[2001:db8::2]:80"})");
  ASSERT_TRUE(v6.ok()) << v6.status().message();
  EXPECT_EQ(v6->target.Target(), "web [2001:db8::2]:80");
  auto all = ParseRequest(R"({"command":"clear","all":true})");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->all);
}

TEST(DaemonRequest, ExactErrors) {
  EXPECT_EQ(ErrorOf("{\"command\":"), "request is not valid JSON");
  EXPECT_EQ(ErrorOf("[1]"), "request must be a JSON object");
  EXPECT_EQ(ErrorOf("{}"), "missing \"command\" string");
  EXPECT_EQ(ErrorOf(R"({"command":"stop"})"),
            "unknown command \"stop\" (expected status, reload, set or "
            "clear)");
  EXPECT_EQ(ErrorOf(R"({"command":"status","x":1})"), "unknown key \"x\"");
  EXPECT_EQ(ErrorOf(R"({"command":"set","server":"10.0.0.2"})"),
            "missing \"service\"");
  EXPECT_EQ(ErrorOf(R"({"command":"set","service":"","server":"1.2.3.4"})"),
            "\"service\" must be a non-empty string");
  EXPECT_EQ(ErrorOf(R"({"command":"set","service":"web","server":"x"})"),
            "bad server \"x\": not an IP address");
  EXPECT_EQ(
      ErrorOf(R"({"command":"set","service":"web","server":"1.2.3.4:0"})"),
      "bad server \"1.2.3.4:0\": port must be 1..65535");
  EXPECT_EQ(ErrorOf(R"({"command":"set","service":"web","server":"1.2.3.4"})"),
            "set needs \"weight\" or \"state\"");
  EXPECT_EQ(ErrorOf(R"({"command":"set","service":"web","server":"1.2.3.4",)"
                    R"("weight":70000})"),
            "\"weight\" must be an integer 0..65535");
  EXPECT_EQ(ErrorOf(R"({"command":"set","service":"web","server":"1.2.3.4",)"
                    R"("state":"off"})"),
            "\"state\" must be \"up\", \"drain\" or \"down\"");
  EXPECT_EQ(ErrorOf(R"({"command":"clear","all":true,"service":"web"})"),
            "clear takes \"all\" or a service and server, not both");
}

TEST(DaemonRequest, OversizedIsRefusedBeforeParsing) {
  std::string big = "{\"command\":\"status\",\"pad\":\"" +
                    std::string(kMaxRequestBytes, 'x') + "\"}";
  EXPECT_EQ(ErrorOf(big), "request larger than 65536 bytes");
}

TEST(DaemonRequest, ErrorReplyIsOneJsonLine) {
  EXPECT_EQ(ErrorReply("a \"b\""),
            "{\"ok\":false,\"error\":\"a \\\"b\\\"\"}\n");
}

}  // namespace
}  // namespace lvsnft::daemon
