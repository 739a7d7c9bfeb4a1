// The config read streams the services[] entries into the model as the
// JSON reader meets them, and reads large files on two threads. Both must
// give exactly what a walk over the whole file's tree gives: the same
// model (every field and origin), the same diagnostics in the same order.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_parser.h"
#include "config/json.h"
#include "config/origins.h"
#include "config/parse.h"
#include "config/parse_split.h"

namespace lvsnft {
namespace {

template <typename T>
void Put(std::ostream& out, const std::optional<T>& v) {
  out << '|';
  if (!v) return;
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
    out << *v;
  } else if constexpr (std::is_same_v<T, IpAddr>) {
    out << v->ToString();
  } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    out << v->count() << "ms";
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    for (const auto& a : *v) out << a << ';';
  } else if constexpr (std::is_same_v<T, std::vector<StatusRange>>) {
    for (const auto& r : *v) out << r.first << '-' << r.last << ';';
  } else {
    out << static_cast<int64_t>(*v);
  }
}

void PutCheck(std::ostream& out, const Boxed<HealthCheckSpec>& b) {
  if (!b) return void(out << " no-check");
  const HealthCheckSpec& h = *b;
  out << " check";
  Put(out, h.type), Put(out, h.path), Put(out, h.host), Put(out, h.regex);
  Put(out, h.sni), Put(out, h.status), Put(out, h.verify), Put(out, h.ca_file);
  Put(out, h.client_cert), Put(out, h.client_key), Put(out, h.payload);
  Put(out, h.expect), Put(out, h.command), Put(out, h.interval);
  Put(out, h.timeout), Put(out, h.fast_interval), Put(out, h.rise);
  Put(out, h.fall), Put(out, h.initial_state), Put(out, h.address);
  Put(out, h.port);
  for (const auto& [key, o] : h.origins) out << ' ' << key;
}

/// The whole model as text: values, then every origin.
std::string Model(const Config& c) {
  std::ostringstream out;
  auto at = [&](const Origin& o) {
    out << ' ' << o.pointer.str() << '@' << o.loc.line << ':' << o.loc.col;
  };
  const Director& d = c.director;
  out << c.version << ' ' << d.interface << d.manage_vips << d.flow_timeout_s
      << '/' << d.flow_table_size;
  at(d.origin), at(d.interface_origin), at(d.flow_table_size_origin);
  for (const auto& o : d.local_address_origins) at(o);
  for (Service s : c.services) {
    out << '\n'
        << s.name << ' ' << s.vip.ToString() << ProtoName(s.protocol)
        << ModeName(s.mode) << SchedulerName(s.scheduler) << s.scheduler_given
        << s.mh_table_size << s.mh_port;
    for (const auto& p : s.ports) out << ' ' << p.first << '-' << p.last;
    if (s.persistence)
      out << " p" << s.persistence->timeout_s << '/' << s.persistence->netmask;
    for (const auto& rs : s.real_servers) {
      out << "\n rs " << rs.address.ToString() << RsStateName(rs.state)
          << rs.weight;
      Put(out, std::optional<uint16_t>(rs.port));
      PutCheck(out, rs.health_check);
    }
    const HealthPolicy& h = s.health;
    PutCheck(out, s.health_check);
    out << ' ' << static_cast<int>(h.on_failure) << h.flush_conntrack
        << h.quorum << h.hysteresis << static_cast<int>(h.all_down);
    if (h.sorry_server) out << " sorry " << h.sorry_server->address.ToString();
    VisitOrigins(s, at);
  }
  return out.str();
}

/// The diagnostics in the order they were recorded (FormatAll sorts).
std::string InOrder(const Diagnostics& d) {
  std::string out;
  for (const auto& e : d.items()) out += d.Format(e) + "\n";
  return out;
}

/// What the walk over the whole tree makes of `text`.
std::string TreeWalk(std::string_view text, Config& cfg) {
  Diagnostics d("c.json");
  if (auto doc = json::Parse(text, d)) {
    parse_detail::ConfigParser(d).ParseRoot(doc->root(), cfg);
  }
  return InOrder(d);
}

const char* const kHealthy = R"({"name": "web", "vip": "10.0.0.1",
  "ports": [80, "8000-8010"], "persistence": {"timeout": 60, "netmask": 24},
  "health_check": {"type": "http", "port": 80, "interval": 3,
                   "path": "/h\u00e9alth", "status": ["200-299", 301]},
  "quorum": 2, "sorry_server": {"address": "10.9.0.1", "port": 81},
  "real_servers": [{"address": "10.1.0.1", "weight": 2},
    {"address": "10.1.0.2", "port": 8080, "state": "drain",
     "health_check": {"type": "tcp", "rise": 4}}]})";
const char* const kDns = R"({"name": "dns", "vip": "fd00::53",
  "protocol": "udp", "ports": 53, "scheduler": "mh", "mh_port": false,
  "real_servers": [{"address": "fd00::1"}, {"address": "fd00::2"}]})";

/// A config: `head` members, the `services` entries, then `tail` members.
std::string File(
    const std::vector<std::string>& services,
    const std::string& head = R"("version": 1,)",
    const std::string& tail = R"(, "director": {"interface": "e"})") {
  std::string out = "{" + head + "\n\"services\": [\n";
  for (size_t i = 0; i < services.size(); ++i)
    out += (i ? ",\n  " : "  ") + services[i];
  return out + "\n]" + tail + "}\n";
}

/// Valid and invalid inputs: problems in several entries, around the
/// array, in its syntax, and layouts the split must decline.
std::vector<std::string> Inputs() {
  const std::string bad_vip = R"({"name": "x", "vip": "10.0.0.300",
    "ports": [70000], "colour": 1, "real_servers": [{"weight": -1}]})";
  return {
      File({kHealthy, kDns}),
      File({kDns, kHealthy, kDns}, R"("$schema": "s", "version": 1,)"),
      File({kHealthy, bad_vip, kDns, bad_vip}),
      File({kHealthy, kDns}, R"("version": 2, "extra": 1,)"),
      File({kDns, kDns}, "", R"(, "version": "1", "director": [])"),
      File({kHealthy, R"({"name": "a", "name": "b"})", bad_vip}),
      File({bad_vip, R"({"name": "a", "vip": tru})", kDns}),
      File({kDns, "7", "[]", "null", R"("s")"}),
      File({kDns, kDns}) + "x",
      File({kDns, kDns, R"({"name": "a\u0000b"})"}),
      File({}),
      File({kDns}),
      R"({"version": 1, "services": {"a": 1}})",
      R"({"version": 1, "services": [1, 2], "services": [])",
      "\xEF\xBB\xBF" + File({kDns, kHealthy}),
      "{\r\n\"version\": 1, \"services\": [\r\n" + std::string(kDns) + ",\r\n" +
          kHealthy + "]}",
      "[" + File({kDns, kDns}) + "]",
      File({kDns, "\xEF\xBB\xBF" + std::string(kDns)}),
      R"({"version": 1, "services": [{"name": "\u00e9", "vip": "10.0.0.1", )"
      R"("ports": [80]}, {"name": "x", "vip": "10.0.0.2", "ports": [-)",
  };
}

TEST(ParseStreamTest, StreamedReadEqualsTheTreeWalk) {
  for (const auto& text : Inputs()) {
    Config walked;
    std::string want = TreeWalk(text, walked);
    Diagnostics d("c.json");
    auto got = ParseConfig(text, d);
    EXPECT_EQ(InOrder(d), want) << text;
    EXPECT_EQ(got.has_value(), want.empty()) << text;
    if (got) {
      EXPECT_EQ(Model(*got), Model(walked)) << text;
    }
  }
}

TEST(ParseStreamTest, SplitReadEqualsTheSequentialReadOrDeclines) {
  int split = 0;
  for (const auto& text : Inputs()) {
    Config walked, cfg;
    bool valid = TreeWalk(text, walked).empty();
    bool done = parse_detail::ParseSplit(text, "c.json", cfg, 0);
    // Any problem leaves the whole text to the sequential read; a valid
    // text is read whole (by both threads, or by the first alone when the
    // scan finds no entries, e.g. in a text with '\r').
    EXPECT_EQ(done, valid) << text;
    if (!done) continue;
    ++split;
    EXPECT_EQ(Model(cfg), Model(walked)) << text;
  }
  EXPECT_EQ(split, 6);
}

TEST(ParseStreamTest, TheThreadsMeetWhereverTheWorkSplits) {
  std::vector<std::string> many(3000, kDns);
  for (size_t i = 0; i < many.size(); i += 7) many[i] = kHealthy;
  std::string text = File(many);
  Config walked;
  ASSERT_EQ(TreeWalk(text, walked), "");
  // Where they meet depends on the scheduler: each read must equal the
  // sequential one, and the second thread must have read some entries
  // (it scans 3000 entries in far less time than the first reads them).
  size_t most = 0;
  for (int run = 0; run < 20 && most == 0; ++run) {
    Config cfg;
    size_t second = 0;
    ASSERT_TRUE(parse_detail::ParseSplit(text, "c.json", cfg, 0, &second));
    EXPECT_EQ(Model(cfg), Model(walked));
    most = std::max(most, second);
  }
  EXPECT_GT(most, 0u);
}

TEST(ParseStreamTest, OnlyLargeFilesAreSplit) {
  std::vector<std::string> many(7000, kDns);
  std::string large = File(many);
  ASSERT_GT(large.size(), parse_detail::kSplitBytes);
  std::string small = File({kDns, kDns});
  Config a, b, walked;
  EXPECT_TRUE(parse_detail::ParseSplit(large, "c.json", a));
  EXPECT_FALSE(parse_detail::ParseSplit(small, "c.json", b));
  EXPECT_EQ(TreeWalk(large, walked), "");
  EXPECT_EQ(Model(a), Model(walked));
  EXPECT_EQ(a.services.size(), 7000u);
}

TEST(ParseStreamTest, LargeInvalidFileGetsTheSequentialDiagnostics) {
  std::vector<std::string> many(7000, kDns);
  many[6990] = R"({"name": "x", "vip": "10.0.0.300", "ports": [0]})";
  many[10] = R"({"name": "y", "vip": "10.0.0.1", "ports": [1], "z": 1})";
  for (const std::string& text : {File(many), File(many) + "]"}) {
    Config walked;
    std::string want = TreeWalk(text, walked);
    ASSERT_NE(want, "");
    Diagnostics d("c.json");
    EXPECT_FALSE(LoadConfig(text, d));
    EXPECT_EQ(InOrder(d).substr(0, want.size()), want);
  }
}

}  // namespace
}  // namespace lvsnft
