#include "compiler/config_diff.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lvsnft
