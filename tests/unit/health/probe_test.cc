// Each check type against real loopback servers: the first result and
// its reason, through the engine (one attempt, no start spread).
#include <gtest/gtest.h>

#include "health/engine.h"
#include "health/loopback.h"

namespace lvsnft::health {
namespace {

using testing::LocalSpec;
using testing::Loop;

/// The first result of `spec` (ok, or its reason), as "ok" / reason.
std::string FirstResult(Loop& loop, const CheckSpec& spec) {
  EngineOptions o;
  o.spread_start = false;
  Engine engine(loop.base, nullptr, o);
  EXPECT_TRUE(engine.Add(spec).ok());
  bool done = loop.RunUntil([&] { return engine.StatusOf(spec)->checked; },
                            Millis(3000));
  EXPECT_TRUE(done);
  TargetStatus s = *engine.StatusOf(spec);
  return s.last_ok ? "ok" : s.last_reason;
}

TEST(ProbeTest, Tcp) {
  Loop loop;
  auto up = testing::Listener();
  auto refuse = testing::Refuser();
  auto hole = testing::Listener(/*fill=*/true);
  EXPECT_EQ(FirstResult(loop, LocalSpec(CheckType::kTcp, up->port())), "ok");
  EXPECT_EQ(FirstResult(loop, LocalSpec(CheckType::kTcp, refuse->port())),
            "connection refused");
  CheckSpec slow = LocalSpec(CheckType::kTcp, hole->port());
  slow.timeout = Millis(50);
  EXPECT_EQ(FirstResult(loop, slow), "connect timeout");
}

TEST(ProbeTest, Http) {
  Loop loop;
  testing::HttpServer server(loop.base);
  CheckSpec s = LocalSpec(CheckType::kHttp, server.port());
  s.path = "/ok";
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.body_regex = "hello w.rld";
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.body_regex = "goodbye";
  EXPECT_EQ(FirstResult(loop, s), "body does not match");
  s.body_regex = "";
  s.path = "/fail";
  EXPECT_EQ(FirstResult(loop, s), "http status 500");
  s.status = {{200, 299}, {500, 500}};
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.path = "/missing";
  EXPECT_EQ(FirstResult(loop, s), "http status 404");
}

TEST(ProbeTest, HttpRefusedAndHung) {
  Loop loop;
  auto refuse = testing::Refuser();
  EXPECT_EQ(FirstResult(loop, LocalSpec(CheckType::kHttp, refuse->port())),
            "connection refused");
  auto mute = testing::Listener();  // Connects, never answers.
  auto hole = testing::Listener(/*fill=*/true);
  int fds = testing::OpenFds();
  CheckSpec s = LocalSpec(CheckType::kHttp, mute->port());
  s.timeout = Millis(60);
  EXPECT_EQ(FirstResult(loop, s), "http timeout");
  s.port = hole->port();
  EXPECT_EQ(FirstResult(loop, s), "connect timeout");
  EXPECT_EQ(testing::OpenFds(), fds);  // Cancelled requests closed theirs.
}

TEST(ProbeTest, HttpsVerifyOnAndOff) {
  Loop loop;
  testing::HttpServer server(loop.base, /*tls=*/true);
  CheckSpec s = LocalSpec(CheckType::kHttps, server.port());
  s.path = "/ok";
  s.sni = "localhost";
  s.verify = false;
  s.body_regex = "hello";
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.verify = true;
  EXPECT_EQ(FirstResult(loop, s),
            "certificate verify failed: self-signed certificate");
}

TEST(ProbeTest, Udp) {
  Loop loop;
  testing::UdpEcho echo(loop.base);
  CheckSpec s = LocalSpec(CheckType::kUdp, echo.port());
  s.payload = std::string("ping\0x", 6);
  s.expect_regex = "^ping";
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.expect_regex = "^pong";
  EXPECT_EQ(FirstResult(loop, s), "reply does not match");
  auto closed = std::make_unique<testing::Socket>(SOCK_DGRAM);
  uint16_t port = closed->port();
  closed.reset();  // Nothing listens: ICMP port unreachable.
  s = LocalSpec(CheckType::kUdp, port);
  EXPECT_EQ(FirstResult(loop, s), "port unreachable");
  s.expect_regex = "x";
  s.port = echo.port();
  s.payload = "";
  EXPECT_EQ(FirstResult(loop, s), "reply does not match");
  testing::Socket silent(SOCK_DGRAM);  // Bound, never answers.
  s = LocalSpec(CheckType::kUdp, silent.port());
  s.timeout = Millis(40);
  EXPECT_EQ(FirstResult(loop, s), "ok");  // No ICMP error in time.
  s.expect_regex = ".";
  EXPECT_EQ(FirstResult(loop, s), "no reply");
}

TEST(ProbeTest, ExecExitCodes) {
  Loop loop;
  CheckSpec s = LocalSpec(CheckType::kExec, 0);
  s.argv = {"/bin/true"};
  EXPECT_EQ(FirstResult(loop, s), "ok");
  s.argv = {"/bin/false"};
  EXPECT_EQ(FirstResult(loop, s), "exit 1");
  s.argv = {"/bin/sh", "-c", "kill -9 $$"};
  EXPECT_EQ(FirstResult(loop, s), "killed by signal 9");
  s.argv = {"/nonexistent/check"};
  EXPECT_EQ(FirstResult(loop, s), "exec: No such file or directory");
}

}  // namespace
}  // namespace lvsnft::health
