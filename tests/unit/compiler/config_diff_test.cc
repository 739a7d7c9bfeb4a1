#include "compiler/config_diff.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>

namespace lvsnft {
namespace {

Config Base() {
  Config c;
  c.director.interface = "eth0";
  Service s;
  s.name = "web";
  s.vip = *IpAddr::Parse("192.168.10.100");
  s.ports = {{80, 80, {}}};
  for (const char* a : {"192.168.1.10", "192.168.1.11"}) {
    RealServer r;
    r.address = *IpAddr::Parse(a);
    r.port = 8080;
    s.real_servers.push_back(r);
  }
  c.services.push_back(s);
  return c;
}

std::vector<std::string> Lines(const Config& a, const Config& b) {
  std::vector<std::string> out;
  for (const auto& c : DiffConfigs(a, b)) {
    out.push_back(std::string(ChangeSign(c.kind)) + " " + c.service + " " +
                  c.real_server + " " + c.field + " " + c.before + " -> " +
                  c.after);
  }
  return out;
}

TEST(DiffConfigsTest, Table) {
  struct Case {
    const char* desc;
    void (*edit)(Config&);
    std::vector<std::string> expected;
  } cases[] = {
      {"identical", [](Config&) {}, {}},
      {"weight change",
       [](Config& c) { c.services[0].real_servers[1].weight = 3; },
       {"~ web 192.168.1.11:8080 weight 1 -> 3"}},
      {"drain",
       [](Config& c) { c.services[0].real_servers[0].state = RsState::kDrain; },
       {"~ web 192.168.1.10:8080 state up -> drain"}},
      {"server added and removed",
       [](Config& c) {
         c.services[0].real_servers[0].address = *IpAddr::Parse("192.168.1.12");
       },
       {"+ web 192.168.1.12:8080   -> weight 1, up",
        "- web 192.168.1.10:8080   -> "}},
      {"service removed, scheduler changed elsewhere",
       [](Config& c) { c.services.clear(); },
       {"- web   nat tcp 192.168.10.100:80 wrr -> "}},
      {"director field",
       [](Config& c) { c.director.flow_timeout_s = 60; },
       {"~   director.flow_timeout 900 -> 60"}},
  };
  for (const auto& c : cases) {
    Config after = Base();
    c.edit(after);
    EXPECT_EQ(Lines(Base(), after), c.expected) << c.desc;
  }
}

// TouchedServices: which services may lower differently; nullopt when the
// set of services or the director changed.
TEST(TouchedServicesTest, NamesOnlyChangedServices) {
  Config two = Base();
  two.services.push_back(two.services[0]);
  two.services[1].name = "api";
  struct {
    const char* desc;
    std::function<void(Config&)> edit;
    std::optional<std::set<std::string>> want;
  } cases[] = {
      {"identical", [](Config&) {}, std::set<std::string>{}},
      {"reordered", [](Config& c) { std::swap(c.services[0], c.services[1]); },
       std::set<std::string>{}},
      {"weight", [](Config& c) { c.services[1].real_servers[0].weight = 4; },
       std::set<std::string>{"api"}},
      {"reordered and drained",
       [](Config& c) {
         std::swap(c.services[0], c.services[1]);
         c.services[0].real_servers[0].state = RsState::kDrain;
       },
       std::set<std::string>{"api"}},
      {"port", [](Config& c) { c.services[0].ports[0].first = 81; },
       std::set<std::string>{"web"}},
      {"renamed", [](Config& c) { c.services[1].name = "api2"; }, std::nullopt},
      {"removed", [](Config& c) { c.services.pop_back(); }, std::nullopt},
      {"director", [](Config& c) { c.director.flow_table_size = 0; },
       std::nullopt},
  };
  for (const auto& c : cases) {
    Config after = two;
    c.edit(after);
    EXPECT_EQ(TouchedServices(two, after), c.want) << c.desc;
  }
}

}  // namespace
}  // namespace lvsnft
