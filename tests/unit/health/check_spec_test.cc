#include "health/check_spec.h"

#include <gtest/gtest.h>

namespace lvsnft::health {
namespace {

CheckSpec Tcp() {
  CheckSpec s;
  s.address = *IpAddr::Parse("192.168.1.11");
  s.port = 80;
  return s;
}

TEST(CheckSpecTest, ValidateSaysWhatIsWrong) {
  EXPECT_TRUE(Validate(Tcp()).ok());
  struct Case {
    std::function<void(CheckSpec&)> edit;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](CheckSpec& s) { s.interval = Millis(0); }, "interval must be > 0"},
      {[](CheckSpec& s) { s.timeout = Millis(-1); }, "timeout must be > 0"},
      {[](CheckSpec& s) { s.rise = 0; }, "rise must be >= 1"},
      {[](CheckSpec& s) { s.fall = 0; }, "fall must be >= 1"},
      {[](CheckSpec& s) { s.port = 0; }, "port must be 1-65535"},
      {[](CheckSpec& s) {
         s.type = CheckType::kHttp;
         s.path = "health";
       },
       "path must start with '/'"},
      {[](CheckSpec& s) {
         s.type = CheckType::kHttps;
         s.status = {{200, 299}, {500, 600}};
       },
       "status range 500-600 is not within 100-599"},
      {[](CheckSpec& s) {
         s.type = CheckType::kHttp;
         s.body_regex = "(";
       },
       "invalid body regex"},
      {[](CheckSpec& s) {
         s.type = CheckType::kUdp;
         s.expect_regex = "[";
       },
       "invalid expect regex"},
      {[](CheckSpec& s) { s.type = CheckType::kExec; }, "exec needs a program"},
  };
  for (const Case& c : cases) {
    CheckSpec s = Tcp();
    c.edit(s);
    EXPECT_EQ(Validate(s).message(), c.message);
  }
}

TEST(CheckSpecTest, DescribeNamesTypeTargetAndPath) {
  CheckSpec s = Tcp();
  EXPECT_EQ(Describe(s), "tcp 192.168.1.11:80");
  s.type = CheckType::kHttp;
  s.address = *IpAddr::Parse("2001:db8::1");
  s.port = 8080;
  s.path = "/health";
  EXPECT_EQ(Describe(s), "http [2001:db8::1]:8080/health");
  s.type = CheckType::kExec;
  s.argv = {"/usr/lib/check", "-q"};
  EXPECT_EQ(Describe(s), "exec /usr/lib/check -q");
}

TEST(CheckSpecTest, EqualDefinitionsAreOneKey) {
  CheckSpec a = Tcp(), b = Tcp();
  EXPECT_EQ(a, b);
  b.fall = 4;
  EXPECT_NE(a, b);
  EXPECT_TRUE(a < b || b < a);
}

}  // namespace
}  // namespace lvsnft::health
