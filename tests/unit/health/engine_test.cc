// The engine on a real loop: rise/fall over real servers, fast_interval,
// shared probes, removal, exec kill and reaping, no fd leaks.
#include "health/engine.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "health/loopback.h"
#include "test_util.h"

namespace lvsnft::health {
namespace {

using testing::LocalSpec;
using testing::Loop;

/// Transitions as "DOWN 3 connection refused" / "UP 2" / "WEIGHT 5".
struct Recorder {
  std::vector<std::string> lines;
  Engine::OnTransition Callback() {
    return [this](const Key&, Transition t) {
      if (t.kind == Transition::Kind::kUp)
        lines.push_back("UP " + std::to_string(t.count));
      else if (t.kind == Transition::Kind::kDown)
        lines.push_back("DOWN " + std::to_string(t.count) + " " + t.reason);
      else
        lines.push_back("WEIGHT " + std::to_string(t.weight.value_or(-1)));
    };
  }
};

EngineOptions NoSpread() {
  EngineOptions o;
  o.spread_start = false;
  return o;
}

TEST(EngineTest, DownAfterFallFailuresUpAfterRiseSuccesses) {
  Loop loop;
  Recorder rec;
  Engine engine(loop.base, rec.Callback(), NoSpread());
  auto server = testing::Listener();
  uint16_t port = server->port();
  CheckSpec s = LocalSpec(CheckType::kTcp, port);
  ASSERT_TRUE(engine.Add(s).ok());
  loop.RunFor(Millis(100));
  EXPECT_TRUE(rec.lines.empty());
  server.reset();  // Port now refuses.
  ASSERT_TRUE(
      loop.RunUntil([&] { return rec.lines.size() == 1; }, Millis(2000)));
  EXPECT_EQ(rec.lines[0], "DOWN 3 connection refused");
  EXPECT_EQ(engine.StatusOf(s)->state, State::kDown);
  testing::Socket again(SOCK_STREAM);  // A fresh port; point the check at it.
  ASSERT_EQ(listen(again.fd(), 8), 0);
  CheckSpec moved = s;
  moved.port = again.port();
  moved.initial_state = State::kDown;
  ASSERT_TRUE(engine.Add(moved).ok());
  ASSERT_TRUE(
      loop.RunUntil([&] { return rec.lines.size() == 2; }, Millis(2000)));
  EXPECT_EQ(rec.lines[1], "UP 2");
}

TEST(EngineTest, FastIntervalWhileBetweenStates) {
  Loop loop;
  Recorder rec;
  Engine engine(loop.base, rec.Callback(), NoSpread());
  auto refuse = testing::Refuser();
  CheckSpec s = LocalSpec(CheckType::kTcp, refuse->port());
  s.interval = Millis(5000);
  s.fast_interval = Millis(20);
  ASSERT_TRUE(engine.Add(s).ok());
  // Three failures 20 ms apart, far sooner than the 5 s interval.
  ASSERT_TRUE(loop.RunUntil([&] { return !rec.lines.empty(); }, Millis(1000)));
  EXPECT_EQ(rec.lines[0], "DOWN 3 connection refused");
  // Down and nothing in a row towards up: back to the slow interval.
  loop.RunFor(Millis(200));
  EXPECT_EQ(engine.StatusOf(s)->checks, 3u);
}

TEST(EngineTest, FirstChecksSpreadOverTheInterval) {
  Loop loop;
  auto server = testing::Listener();
  std::vector<double> first_ms;
  EngineOptions o;  // spread_start on (the default)
  o.seed = 42;
  std::chrono::steady_clock::time_point t0;
  o.on_result = [&](const Key&, const ProbeResult&) {
    first_ms.push_back(std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - t0)
                           .count());
  };
  Engine engine(loop.base, nullptr, o);
  t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= 40; i++) {
    CheckSpec s = LocalSpec(CheckType::kTcp, server->port());
    s.interval = Millis(400);
    s.rise = i;  // 40 distinct probes of one server.
    ASSERT_TRUE(engine.Add(s).ok());
  }
  ASSERT_TRUE(
      loop.RunUntil([&] { return first_ms.size() >= 40; }, Millis(2000)));
  first_ms.resize(40);  // Only the first round (all start within 400 ms).
  auto [lo, hi] = std::minmax_element(first_ms.begin(), first_ms.end());
  EXPECT_LT(*lo, 150);        // Not all held back to the end ...
  EXPECT_GT(*hi - *lo, 200);  // ... nor fired together at the start.
}

TEST(EngineTest, OneProbePerDefinitionSharedBySubscribers) {
  Loop loop;
  Engine engine(loop.base, nullptr, NoSpread());
  auto refuse = testing::Refuser();
  CheckSpec a = LocalSpec(CheckType::kTcp, refuse->port());
  CheckSpec b = a;  // The same server under a second service.
  ASSERT_TRUE(engine.Add(a).ok());
  ASSERT_TRUE(engine.Add(b).ok());
  EXPECT_EQ(engine.size(), 1u);
  EXPECT_EQ(engine.Subscribers(a), 2);
  ASSERT_TRUE(loop.RunUntil(
      [&] { return engine.StatusOf(a)->state == State::kDown; }, Millis(2000)));
  // Reload with an equal definition: subscribe the new, drop the old.
  CheckSpec reloaded = a;
  ASSERT_TRUE(engine.Add(reloaded).ok());
  EXPECT_TRUE(engine.Remove(a));
  EXPECT_TRUE(engine.Remove(b));
  EXPECT_EQ(engine.Subscribers(reloaded), 1);
  EXPECT_EQ(engine.StatusOf(reloaded)->state, State::kDown);  // Kept.
  EXPECT_TRUE(engine.Remove(reloaded));
  EXPECT_EQ(engine.size(), 0u);
  EXPECT_FALSE(engine.Remove(a));
  CheckSpec bad = a;
  bad.rise = 0;
  EXPECT_EQ(engine.Add(bad).message(), "rise must be >= 1");
  EXPECT_EQ(engine.size(), 0u);
}

TEST(EngineTest, RemoveFromInsideTheTransitionCallback) {
  Loop loop;
  auto refuse = testing::Refuser();
  CheckSpec s = LocalSpec(CheckType::kTcp, refuse->port());
  s.fall = 1;
  Engine* e = nullptr;
  int calls = 0;
  Engine engine(
      loop.base,
      [&](const Key& k, Transition) {
        calls++;
        EXPECT_TRUE(e->Remove(k));
      },
      NoSpread());
  e = &engine;
  ASSERT_TRUE(engine.Add(s).ok());
  ASSERT_TRUE(loop.RunUntil([&] { return calls == 1; }, Millis(1000)));
  loop.RunFor(Millis(100));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(engine.size(), 0u);
}

TEST(EngineTest, ExecDynamicWeight) {
  Loop loop;
  Recorder rec;
  EngineOptions o = NoSpread();
  std::vector<ProbeResult> results;
  o.on_result = [&](const Key&, const ProbeResult& r) { results.push_back(r); };
  Engine engine(loop.base, rec.Callback(), o);
  CheckSpec s = LocalSpec(CheckType::kExec, 0);
  s.argv = {"/bin/sh", "-c", "exit 7"};
  ASSERT_TRUE(engine.Add(s).ok());
  ASSERT_TRUE(loop.RunUntil([&] { return results.size() >= 2; }, Millis(2000)));
  EXPECT_EQ(rec.lines, std::vector<std::string>{"WEIGHT 5"});  // Once.
  EXPECT_EQ(engine.StatusOf(s)->weight, 5);
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].weight, 5);
}

/// Pid of the process group leader written by the exec check to `file`.
pid_t ReadPid(const std::string& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

/// Processes of process group `pgid` that are not zombies (/proc).
int LiveInGroup(pid_t pgid) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    std::istringstream rest(line.substr(line.rfind(')') + 1));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z') n++;
  }
  return n;
}

TEST(EngineTest, HungExecIsKilledWithItsGroupAndReaped) {
  Loop loop;
  lvsnft::testing::TempDir dir;
  std::string pidfile = dir.path + "/pid";
  Engine engine(loop.base, nullptr, NoSpread());
  CheckSpec s = LocalSpec(CheckType::kExec, 0);
  s.argv = {"/bin/sh", "-c", "echo $$ > " + pidfile + "; sleep 30 & wait"};
  s.timeout = Millis(150);
  s.interval = Millis(10000);
  ASSERT_TRUE(engine.Add(s).ok());
  ASSERT_TRUE(
      loop.RunUntil([&] { return engine.StatusOf(s)->checked; }, Millis(2000)));
  EXPECT_EQ(engine.StatusOf(s)->last_reason, "exec timeout");
  pid_t group = ReadPid(pidfile);
  ASSERT_GT(group, 0);
  ASSERT_TRUE(loop.RunUntil([&] { return engine.PendingChildren() == 0; },
                            Millis(1000)));
  // The sh leader is reaped (no zombie child) and its sleep is gone too.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  // (Its orphaned sleep may stay a zombie of pid 1 for a while: count the
  // living members of the group only.)
  loop.RunUntil([&] { return LiveInGroup(group) == 0; }, Millis(500));
  EXPECT_EQ(LiveInGroup(group), 0);
}

/// Adds N tcp checks of the black hole on PORT (timeout 100 ms, interval
/// 60 s), each a distinct definition (fall 1..N): N probes, all due now.
std::vector<CheckSpec> AddBlackHoleChecks(Engine& engine, uint16_t port,
                                          int n) {
  std::vector<CheckSpec> specs;
  for (int i = 1; i <= n; i++) {
    CheckSpec s = LocalSpec(CheckType::kTcp, port);
    s.fall = i;
    s.timeout = Millis(100);
    s.interval = Millis(60000);
    EXPECT_TRUE(engine.Add(s).ok());
    specs.push_back(s);
  }
  return specs;
}

TEST(EngineTest, ThousandChecksAgainstABlackHoleLeakNoFds) {
  Loop loop;
  auto hole = testing::Listener(/*fill=*/true);
  int baseline = testing::OpenFds();
  int peak = 0;
  {
    Engine engine(loop.base, nullptr, NoSpread());
    std::vector<CheckSpec> specs =
        AddBlackHoleChecks(engine, hole->port(), 1000);
    loop.RunFor(Millis(20));
    peak = testing::OpenFds();
    ASSERT_TRUE(loop.RunUntil(
        [&] {
          for (const CheckSpec& s : specs)
            if (!engine.StatusOf(s)->checked) return false;
          return true;
        },
        Millis(3000)));
    EXPECT_EQ(engine.StatusOf(specs[0])->last_reason, "connect timeout");
    EXPECT_EQ(testing::OpenFds(), baseline);  // Timed out: all closed.
    for (const CheckSpec& s : specs) engine.Remove(s);
  }
  EXPECT_GE(peak, baseline + 1000);  // The attempts did hold sockets.
  EXPECT_EQ(testing::OpenFds(), baseline);
}

// A timed-out probe reports at least its timeout. The timer is armed from
// the loop's cached time, taken before the iteration's callbacks ran; when
// many attempts start in one iteration (here 500, each opening a socket),
// the later ones used to time out up to the iteration's length early
// (CI showed "connect timeout (1899 ms)" for a 1.9 s timeout).
TEST(EngineTest, TimedOutProbesReportAtLeastTheirTimeout) {
  Loop loop;
  auto hole = testing::Listener(/*fill=*/true);
  EngineOptions o = NoSpread();
  Millis shortest{1000000};
  int timeouts = 0;
  o.on_result = [&](const Key&, const ProbeResult& r) {
    if (r.reason != "connect timeout") return;
    timeouts++;
    shortest = std::min(shortest, r.latency);
  };
  Engine engine(loop.base, nullptr, o);
  std::vector<CheckSpec> specs = AddBlackHoleChecks(engine, hole->port(), 500);
  ASSERT_TRUE(loop.RunUntil([&] { return timeouts == 500; }, Millis(3000)));
  EXPECT_GE(shortest.count(), 100);
  for (const CheckSpec& s : specs) engine.Remove(s);
}

}  // namespace
}  // namespace lvsnft::health
