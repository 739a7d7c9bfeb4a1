// ApplyHealth: what health results do to the daemon's input, as a table
// of (policy, per-server results) -> servers after the step.
#include "daemon/health_apply.h"

#include <gtest/gtest.h>

#include <map>

namespace lvsnft::daemon {
namespace {

// Servers 10.0.0.1..N port 80, weights as given.
Service MakeService(std::vector<uint32_t> weights, HealthPolicy p = {}) {
  Service s;
  s.name = "web";
  s.health = p;
  for (size_t i = 0; i < weights.size(); ++i) {
    RealServer rs;
    rs.address = *IpAddr::Parse("10.0.0." + std::to_string(i + 1));
    rs.port = 80;
    rs.weight = weights[i];
    s.real_servers.push_back(rs);
  }
  return s;
}

// "u" up, "d" down, "-" unchecked, a digit: up with that exec weight.
HealthLookup Results(const std::string& code) {
  return [code](const Service&,
                const RealServer& rs) -> std::optional<ServerHealth> {
    std::string a = rs.address.ToString();
    char c = code[std::stoi(a.substr(a.rfind('.') + 1)) - 1];
    if (c == '-') return std::nullopt;
    if (c == 'u') return ServerHealth{true, std::nullopt};
    if (c == 'd') return ServerHealth{false, std::nullopt};
    return ServerHealth{true, c - '0'};
  };
}

// "10.0.0.1:80 up 1, 10.0.0.2:80 down 1" for comparison.
std::string Describe(const Service& s) {
  std::string out;
  for (const auto& rs : s.real_servers) {
    if (!out.empty()) out += ", ";
    out += rs.address.ToString() + ":" + std::to_string(rs.port.value_or(0)) +
           " " + RsStateName(rs.state) + " " + std::to_string(rs.weight);
  }
  return out;
}

HealthPolicy Policy(OnFailure f, uint32_t quorum = 0, uint32_t hyst = 0,
                    bool sorry = false, AllDown all = AllDown::kDrop) {
  HealthPolicy p;
  p.on_failure = f;
  p.quorum = quorum;
  p.hysteresis = hyst;
  p.all_down = all;
  if (sorry) p.sorry_server = SorryServer{*IpAddr::Parse("10.0.0.99"), 8080};
  return p;
}

struct Case {
  const char* name;
  HealthPolicy policy;
  std::vector<uint32_t> weights;
  std::string results;
  std::string want;
};

TEST(HealthApply, Table) {
  const auto kRemove = OnFailure::kRemove, kDrain = OnFailure::kDrain;
  const std::string s1 = "10.0.0.1:80 ", s2 = "10.0.0.2:80 ",
                    s3 = "10.0.0.3:80 ", sorry = ", 10.0.0.99:8080 up 1";
  const std::vector<Case> cases = {
      {"all up",
       Policy(kRemove),
       {1, 1, 1},
       "uuu",
       s1 + "up 1, " + s2 + "up 1, " + s3 + "up 1"},
      {"remove",
       Policy(kRemove),
       {1, 1, 1},
       "udu",
       s1 + "up 1, " + s2 + "down 1, " + s3 + "up 1"},
      {"drain",
       Policy(kDrain),
       {1, 1, 1},
       "udu",
       s1 + "up 1, " + s2 + "drain 1, " + s3 + "up 1"},
      {"unchecked stays",
       Policy(kRemove),
       {1, 1, 1},
       "-d-",
       s1 + "up 1, " + s2 + "down 1, " + s3 + "up 1"},
      {"exec weight",
       Policy(kRemove),
       {1, 1, 1},
       "3u0",
       s1 + "up 3, " + s2 + "up 1, " + s3 + "up 0"},
      {"all down drop",
       Policy(kRemove),
       {1, 1, 1},
       "ddd",
       s1 + "down 1, " + s2 + "down 1, " + s3 + "down 1"},
      {"all down panic",
       Policy(kRemove, 0, 0, false, AllDown::kPanic),
       {1, 1, 1},
       "ddd",
       s1 + "up 1, " + s2 + "up 1, " + s3 + "up 1"},
      {"all down sorry",
       Policy(kRemove, 0, 0, true),
       {1, 1, 1},
       "ddd",
       s1 + "down 1, " + s2 + "down 1, " + s3 + "down 1" + sorry},
      {"quorum held",
       Policy(kRemove, 2, 0, true),
       {1, 1, 1},
       "udu",
       s1 + "up 1, " + s2 + "down 1, " + s3 + "up 1"},
      {"quorum lost: sorry in, live out",
       Policy(kRemove, 3, 0, true),
       {1, 1, 1},
       "udu",
       s1 + "down 1, " + s2 + "down 1, " + s3 + "down 1" + sorry},
      {"quorum lost without sorry keeps live",
       Policy(kRemove, 3),
       {1, 1, 1},
       "udu",
       s1 + "up 1, " + s2 + "down 1, " + s3 + "up 1"},
      {"quorum counts weights",
       Policy(kRemove, 4, 0, true),
       {3, 1, 1},
       "udd",
       s1 + "down 3, " + s2 + "down 1, " + s3 + "down 1" + sorry},
  };
  for (const auto& c : cases) {
    Config cfg;
    cfg.services.push_back(MakeService(c.weights, c.policy));
    QuorumMemory q;
    ApplyHealth(cfg, Results(c.results), q);
    EXPECT_EQ(Describe(cfg.services[0]), c.want) << c.name;
  }
}

TEST(HealthApply, FileStateDrainOrDownIsKept) {
  Config cfg;
  cfg.services.push_back(MakeService({1, 1}));
  cfg.services[0].real_servers[0].state = RsState::kDrain;
  QuorumMemory q;
  ApplyHealth(cfg, Results("uu"), q);
  EXPECT_EQ(Describe(cfg.services[0]), "10.0.0.1:80 drain 1, 10.0.0.2:80 up 1");
}

// quorum 3, hysteresis 1: lost below 2, regained at 4 (weights 1 each).
TEST(HealthApply, QuorumHysteresis) {
  struct Step {
    std::string results;
    bool held;
  };
  const std::vector<Step> steps = {
      {"uuuu", true},  {"uudd", true}, {"uddd", false},
      {"uuud", false}, {"uuuu", true}, {"uudd", true},
  };
  QuorumMemory q;
  for (size_t i = 0; i < steps.size(); ++i) {
    Config cfg;
    cfg.services.push_back(
        MakeService({1, 1, 1, 1}, Policy(OnFailure::kRemove, 3, 1, true)));
    ApplyHealth(cfg, Results(steps[i].results), q);
    EXPECT_EQ(q["web"], steps[i].held) << "step " << i;
    bool sorry_in = cfg.services[0].real_servers.size() == 5;
    EXPECT_EQ(sorry_in, !steps[i].held) << "step " << i;
  }
}

TEST(HealthApply, LiveWeightSumsUpServers) {
  Service s = MakeService({2, 3, 5});
  s.real_servers[1].state = RsState::kDown;
  s.real_servers[2].state = RsState::kDrain;
  EXPECT_EQ(LiveWeight(s), 2u);
}

}  // namespace
}  // namespace lvsnft::daemon
