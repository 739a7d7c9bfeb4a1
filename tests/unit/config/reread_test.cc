// RereadConfig: a re-read that reuses the unchanged services must give
// exactly LoadConfig's config (every field and every origin) and warnings,
// and must leave every error, and every edit it cannot prove, to
// LoadConfig.
#include "config/reread.h"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>

#include "config/check.h"
#include "config/origins.h"
#include "config/parse.h"

namespace lvsnft {
namespace {

std::string Where(const Origin& o) {
  return o.pointer.str() + "@" + std::to_string(o.loc.line) + ":" +
         std::to_string(o.loc.col);
}

template <typename T>
std::string Opt(const std::optional<T>& v) {
  if (!v) return "-";
  std::ostringstream out;
  if constexpr (std::is_same_v<T, std::string>) {
    out << *v;
  } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    out << v->count();
  } else if constexpr (std::is_same_v<T, IpAddr>) {
    out << v->ToString();
  } else if constexpr (std::is_same_v<T, std::vector<StatusRange>>) {
    for (const auto& r : *v) out << r.first << "-" << r.last << ",";
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    for (const auto& a : *v) out << a << ",";
  } else {
    out << static_cast<int64_t>(*v);
  }
  return out.str();
}

std::string DumpCheck(const Boxed<HealthCheckSpec>& b) {
  if (!b) return "none";
  const HealthCheckSpec& h = *b;
  std::string out = Opt(h.type) + Opt(h.path) + Opt(h.host) + Opt(h.regex) +
                    Opt(h.sni) + Opt(h.status) + Opt(h.verify) +
                    Opt(h.payload) + Opt(h.expect) + Opt(h.command) +
                    Opt(h.interval) + Opt(h.timeout) + Opt(h.fast_interval) +
                    Opt(h.rise) + Opt(h.fall) + Opt(h.initial_state) +
                    Opt(h.address) + Opt(h.port);
  return out + "{" + std::to_string(h.origins.size()) + "}";
}

/// Every field of `s`, origins included, as text.
std::string DumpService(Service s) {
  std::ostringstream out;
  out << s.name << " " << s.vip.ToString() << " " << ProtoName(s.protocol)
      << " " << ModeName(s.mode) << " " << SchedulerName(s.scheduler)
      << s.scheduler_given << s.mh_table_size << s.mh_port << " ports";
  for (const auto& p : s.ports) out << " " << p.first << "-" << p.last;
  if (s.persistence)
    out << " persist " << s.persistence->timeout_s << "/"
        << s.persistence->netmask;
  for (const auto& rs : s.real_servers)
    out << "\n  rs " << rs.address.ToString() << ":" << Opt(rs.port) << " w"
        << rs.weight << " " << RsStateName(rs.state) << " "
        << DumpCheck(rs.health_check);
  const HealthPolicy& h = s.health;
  out << "\n  check " << DumpCheck(s.health_check) << " policy "
      << static_cast<int>(h.on_failure) << h.flush_conntrack << h.quorum << "/"
      << h.hysteresis << static_cast<int>(h.all_down) << " sorry "
      << (h.sorry_server ? h.sorry_server->address.ToString() : "-");
  out << "\n  at";
  VisitOrigins(s, [&](Origin& o) { out << " " << Where(o); });
  return out.str();
}

std::string Dump(const Config& c) {
  std::ostringstream out;
  const Director& d = c.director;
  out << "v" << c.version << " " << d.interface << " " << d.manage_vips
      << d.flow_timeout_s << "/" << d.flow_table_size << " " << Where(d.origin)
      << Where(d.interface_origin) << Where(d.flow_table_size_origin);
  for (size_t i = 0; i < d.local_addresses.size(); ++i)
    out << " " << d.local_addresses[i].ToString() << "@"
        << Where(d.local_address_origins[i]);
  for (const auto& s : c.services) out << "\n" << DumpService(s);
  return out.str();
}

constexpr const char* kHead = R"({
  "version": 1,
  "director": {"interface": "eth0"},
  "services": [
)";
constexpr const char* kTail = "\n  ]\n}\n";

// Services of several shapes, one of which draws a warning (its VIP is the
// network address of a real server's /24).
const char* const kWeb = R"(    {
      "name": "web", "vip": "10.0.0.1", "ports": [80, "8000-8010"],
      "persistence": {"timeout": 60, "netmask": 24},
      "health_check": {"type": "http", "port": 80, "interval": 3},
      "real_servers": [
        {"address": "10.1.0.1", "weight": 2},
        {"address": "10.1.0.2", "port": 8080, "state": "drain",
         "health_check": {"type": "tcp", "rise": 4}}
      ]
    })";
const char* const kDns =
    R"(    {"name": "dns", "vip": "10.0.0.2", "protocol": "udp", "ports": [53],
     "scheduler": "rr", "quorum": 1,
     "sorry_server": {"address": "10.9.0.1"},
     "real_servers": [{"address": "10.1.1.1"}]})";
const char* const kNet =
    R"(    {"name": "net", "vip": "10.2.0.0", "ports": [443],
     "real_servers": [{"address": "10.2.0.7"}]})";
const char* const kMail = R"(    {
      "name": "mail", "vip": "10.0.0.3", "ports": [25],
      "real_servers": [{"address": "10.1.2.1"}, {"address": "10.1.2.2"}]
    })";

std::string File(std::initializer_list<std::string> services,
                 std::string head = kHead) {
  std::string out = head;
  for (const auto& s : services) {
    if (out.size() != head.size()) out += ",\n";
    out += s;
  }
  return out + kTail;
}

std::string Replace(std::string s, const std::string& from,
                    const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

const std::string kOld = File({kWeb, kDns, kNet, kMail});

struct Edit {
  const char* what;
  std::string text;
  int parsed;  ///< Entries RereadConfig must parse; -1: it must decline.
};

TEST(RereadTest, EqualsTheFullReadForEachEdit) {
  const std::string web2 = Replace(kWeb, "\"weight\": 2", "\"weight\": 3");
  const std::string taller = Replace(kDns, "\"rr\",", "\"rr\",\n\n");
  const std::string imap =
      Replace(Replace(kMail, "mail", "imap"), "[25]", "[143]");
  const Edit edits[] = {
      {"unchanged", kOld, 0},
      {"one service changed", File({web2, kDns, kNet, kMail}), 1},
      {"one service grew two lines", File({kWeb, taller, kNet, kMail}), 1},
      {"one added first", File({imap, kWeb, kDns, kNet, kMail}), 1},
      {"one added", File({kWeb, kDns, imap, kNet, kMail}), 1},
      {"one removed", File({kDns, kNet, kMail}), 0},
      {"reordered", File({kMail, kNet, kWeb, kDns}), 0},
      {"re-indented", File({kWeb, kDns, kNet, Replace(kMail, "    {", "{")}),
       1},
      {"edit outside services",
       File({kWeb, kDns, kNet, kMail}, Replace(kHead, "\"eth0\"", "\"eth1\"")),
       -1},
  };
  Diagnostics old_diags("c.json");
  auto old_cfg = LoadConfig(kOld, old_diags);
  ASSERT_TRUE(old_cfg) << old_diags.FormatAll();
  for (const Edit& e : edits) {
    SCOPED_TRACE(e.what);
    Diagnostics full("c.json"), re("c.json");
    auto want = LoadConfig(e.text, full);
    auto got = RereadConfig(kOld, *old_cfg, e.text, re);
    ASSERT_EQ(got.has_value(), e.parsed >= 0);
    if (!got) {
      EXPECT_TRUE(re.warnings().empty() && !re.HasErrors());
      continue;
    }
    ASSERT_TRUE(want) << full.FormatAll();
    EXPECT_EQ(got->parsed, static_cast<size_t>(e.parsed));
    EXPECT_EQ(Dump(got->config), Dump(*want));
    EXPECT_EQ(re.FormatWarnings(), full.FormatWarnings());
    EXPECT_NE(re.FormatWarnings(), "");  // "net" keeps its warning
  }
}

// An invalid edit is never accepted by the re-read: LoadConfig reads it
// and reports the located error.
TEST(RereadTest, InvalidEditsAreLeftToTheFullRead) {
  Diagnostics old_diags("c.json");
  auto old_cfg = LoadConfig(kOld, old_diags);
  ASSERT_TRUE(old_cfg);
  const Edit bad[] = {
      {"bad weight",
       File({Replace(kWeb, "\"weight\": 2", "\"weight\": -2"), kDns, kNet,
             kMail}),
       -1},
      {"duplicate vip and port",
       File({kWeb, kDns, kNet,
             Replace(Replace(kMail, "10.0.0.3", "10.0.0.1"), "[25]", "[80]")}),
       -1},
      {"duplicate name", File({kWeb, kDns, kNet, kMail, kMail}), -1},
      {"not JSON", File({kWeb, kDns, "    {\"name\": }", kMail}), -1},
  };
  const char* const want[] = {
      "c.json:10:43: error: /services/0/real_servers/0/weight: -2 is out of "
      "range 0..65535\n",
      "c.json:22:52: error: /services/3/ports/0: port 80 overlaps port 80 "
      "of service \"web\" (/services/0/ports/0): 10.0.0.1 tcp port 80 would "
      "be served twice\n",
      "c.json:26:15: error: /services/4/name: duplicate service name "
      "\"mail\" (first used at /services/3/name)\n"
      "c.json:26:52: error: /services/4/ports/0: port 25 overlaps port 25 "
      "of service \"mail\" (/services/3/ports/0): 10.0.0.3 tcp port 25 would "
      "be served twice\n",
      "c.json:19:14: error: /services/2/name: expected a value, got '}'\n"};
  for (size_t i = 0; i < std::size(bad); ++i) {
    SCOPED_TRACE(bad[i].what);
    Diagnostics full("c.json"), re("c.json");
    EXPECT_FALSE(RereadConfig(kOld, *old_cfg, bad[i].text, re));
    EXPECT_FALSE(re.HasErrors());
    EXPECT_FALSE(LoadConfig(bad[i].text, full));
    EXPECT_EQ(full.FormatAll(), want[i]);
  }
}

// The daemon keeps the spans of the text it runs: a re-read given them
// (instead of scanning the old text again) reads exactly as one that
// scans, names the entries it parsed, says whether the others kept their
// index, and hands back the new text's spans for the next re-read.
TEST(RereadTest, KeptSpansReadAsAScanAndNameTheParsedEntries) {
  const std::string web2 = Replace(kWeb, "\"weight\": 2", "\"weight\": 3");
  const std::string mail2 = Replace(kMail, "10.1.2.2", "10.1.2.3");
  const std::string imap =
      Replace(Replace(kMail, "mail", "imap"), "[25]", "[143]");
  struct Step {
    const char* what;
    std::string text;
    std::vector<size_t> parsed_at;
    bool in_place;
  };
  // Each step re-reads the previous step's text with its kept spans.
  const Step steps[] = {
      {"first and last changed", File({web2, kDns, kNet, mail2}), {0, 3}, true},
      {"unchanged", File({web2, kDns, kNet, mail2}), {}, true},
      {"back", File({kWeb, kDns, kNet, kMail}), {0, 3}, true},
      {"one added", File({kWeb, kDns, imap, kNet, kMail}), {2}, false},
      {"one removed", File({kWeb, kDns, kNet, kMail}), {}, false},
  };
  Diagnostics d0("c.json");
  auto cfg = LoadConfig(kOld, d0);
  ASSERT_TRUE(cfg);
  const std::string* text = &kOld;
  auto spans = ScanServices(*text);
  ASSERT_TRUE(spans);
  for (const Step& st : steps) {
    SCOPED_TRACE(st.what);
    Diagnostics kept("c.json"), scanned("c.json"), full("c.json");
    auto got = RereadConfig(*text, *cfg, st.text, kept, &*spans);
    auto want = RereadConfig(*text, *cfg, st.text, scanned);
    auto loaded = LoadConfig(st.text, full);
    ASSERT_TRUE(got && want && loaded);
    EXPECT_EQ(Dump(got->config), Dump(*loaded));
    EXPECT_EQ(Dump(got->config), Dump(want->config));
    EXPECT_EQ(kept.FormatWarnings(), full.FormatWarnings());
    EXPECT_EQ(got->parsed_at, st.parsed_at);
    EXPECT_EQ(got->in_place, st.in_place);
    auto rescan = ScanServices(st.text);
    ASSERT_TRUE(rescan);
    EXPECT_EQ(got->spans.items, rescan->items);
    ASSERT_EQ(got->spans.starts.size(), rescan->starts.size());
    for (size_t i = 0; i < rescan->starts.size(); ++i) {
      EXPECT_EQ(got->spans.starts[i].line, rescan->starts[i].line);
      EXPECT_EQ(got->spans.starts[i].col, rescan->starts[i].col);
    }
    text = &st.text;  // The kept spans point into it.
    spans = std::move(got->spans);
    cfg = std::move(got->config);
  }
}

TEST(RereadTest, ScanFindsEachEntryAndWhereItStarts) {
  auto spans = ScanServices(kOld);
  ASSERT_TRUE(spans);
  ASSERT_EQ(spans->items.size(), 4u);
  EXPECT_EQ(spans->items[2], std::string(kNet).substr(4));
  EXPECT_EQ(spans->starts[0].line, 5);
  EXPECT_EQ(spans->starts[0].col, 5);
  EXPECT_EQ(spans->starts[2].line, 19);
  const char* const declined[] = {"[]",
                                  "{\"version\": 1}",
                                  "{\"services\": 3}",
                                  "{\"services\": [1,]}",
                                  "{\"services\": [1 2]}",
                                  "{\"servic\\u0065s\": []}",
                                  "{\"services\": [{}]\r\n}",
                                  "{\"services\": [\"]}"};
  for (const char* t : declined) EXPECT_FALSE(ScanServices(t)) << t;
  auto one = ScanServices(
      "{\"a\": [\"]\", {\"b\": \"}\\\"\"}], \"services\": "
      "[ {\"x\": [1, {}]} , 2 ]}");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->items.size(), 2u);
  EXPECT_EQ(one->items[0], "{\"x\": [1, {}]}");
  EXPECT_EQ(one->items[1], "2");
}

// The in-place re-read turns the running config into the new text's
// (every field and origin, the director's too, and the warnings) when
// every entry keeps its index and name, and Swap undoes it; anything else,
// and every invalid edit, it declines with the config untouched. Whether
// it accepts is whether the full read does.
TEST(RereadTest, InPlaceIsTheFullReadOrDeclinesUntouched) {
  const std::string web2 = Replace(kWeb, "\"weight\": 2", "\"weight\": 3");
  const std::string taller = Replace(kDns, "\"rr\",", "\"rr\",\n\n");
  const std::string mail2 = Replace(kMail, "10.1.2.2", "10.1.2.3");
  const std::string tail_director = R"({
  "version": 1,
  "services": [
)";
  const Edit edits[] = {
      {"unchanged", kOld, 0},
      {"one service changed", File({web2, kDns, kNet, kMail}), 1},
      {"one service grew two lines", File({kWeb, taller, kNet, kMail}), 1},
      {"three changed", File({web2, taller, kNet, mail2}), 3},
      {"the one with a warning changed",
       File({kWeb, kDns, Replace(kNet, "[443]", "[443, 444]"), kMail}), 1},
      {"re-indented", File({kWeb, kDns, kNet, Replace(kMail, "    {", "{")}),
       1},
      {"one added", File({kWeb, kDns, kNet, kMail, taller}), -1},
      {"renamed", File({kWeb, kDns, kNet, Replace(kMail, "mail", "imap")}), -1},
      {"bad weight",
       File({Replace(kWeb, "\"weight\": 2", "\"weight\": -2"), kDns, kNet,
             kMail}),
       -1},
      {"a real server on an unchanged service's VIP",
       File({kWeb, kDns, kNet, Replace(kMail, "10.1.2.2", "10.0.0.2")}), -1},
      {"the VIP and port of an unchanged service",
       File({kWeb, kDns, kNet,
             Replace(Replace(kMail, "10.0.0.3", "10.0.0.1"), "[25]", "[80]")}),
       -1},
      {"a VIP an unchanged service's real server has",
       File({kWeb, kDns, kNet, Replace(kMail, "10.0.0.3", "10.1.0.1")}), -1},
      {"a duplicate real server",
       File({kWeb, kDns, kNet, Replace(kMail, "10.1.2.2", "10.1.2.1")}), -1},
  };
  for (const Edit& e : edits) {
    SCOPED_TRACE(e.what);
    Diagnostics d0("c.json"), full("c.json"), re("c.json");
    auto cfg = LoadConfig(kOld, d0);
    ASSERT_TRUE(cfg);
    const std::string before = Dump(*cfg);
    auto want = LoadConfig(e.text, full);
    auto got = RereadInPlace(kOld, *cfg, e.text, re);
    ASSERT_EQ(got.has_value(), e.parsed >= 0);
    // Those two are valid but not in place; every other edit is declined
    // exactly when the full read rejects it.
    bool moves =
        e.what == std::string("one added") || e.what == std::string("renamed");
    if (!moves) {
      EXPECT_EQ(got.has_value(), want.has_value()) << full.FormatAll();
    }
    if (!got) {
      EXPECT_EQ(Dump(*cfg), before);
      EXPECT_TRUE(re.warnings().empty() && !re.HasErrors());
      continue;
    }
    EXPECT_EQ(got->at.size(), static_cast<size_t>(e.parsed));
    EXPECT_EQ(Dump(*cfg), Dump(*want));
    // The warnings of the changed services ("net" keeps its own).
    Diagnostics changed("c.json");
    for (const auto& w : full.warnings())
      for (size_t i : got->at)
        if (w.pointer.starts_with("/services/" + std::to_string(i) + "/") ||
            w.pointer == "/services/" + std::to_string(i))
          changed.Warning(w.loc, w.pointer, w.message);
    EXPECT_EQ(re.FormatWarnings(), changed.FormatWarnings());
    EXPECT_EQ(got->reading_files, 0u);
    got->Swap(*cfg);
    EXPECT_EQ(Dump(*cfg), before);
  }
  // The director written after the services moves with their end.
  const std::string head = "{\n  \"version\": 1,\n  \"services\": [\n";
  const std::string after =
      "\n  ],\n  \"director\": {\"interface\": \"eth0\"}\n}\n";
  auto with = [&](std::initializer_list<std::string> s) {
    std::string t = File(s, head);
    return t.substr(0, t.size() - std::string(kTail).size()) + after;
  };
  Diagnostics d0("c.json"), full("c.json"), re("c.json");
  auto cfg = LoadConfig(with({kWeb, kDns, kNet, kMail}), d0);
  ASSERT_TRUE(cfg) << d0.FormatAll();
  std::string text = with({kWeb, taller, kNet, kMail});
  auto got = RereadInPlace(with({kWeb, kDns, kNet, kMail}), *cfg, text, re);
  auto want = LoadConfig(text, full);
  ASSERT_TRUE(got && want);
  EXPECT_EQ(Dump(*cfg), Dump(*want));
  Diagnostics copied("c.json");
  auto old_cfg = LoadConfig(with({kWeb, kDns, kNet, kMail}), copied);
  auto reread =
      RereadConfig(with({kWeb, kDns, kNet, kMail}), *old_cfg, text, copied);
  ASSERT_TRUE(reread);
  EXPECT_EQ(Dump(reread->config), Dump(*want));
}

// The check of the changed services alone (CheckConfigAt) reports exactly
// what the whole config's check reports, in its order, for edits that
// keep each service's name, VIP, protocol, ports and FULLNAT-ness.
TEST(RereadTest, CheckAtReportsWhatTheFullCheckReports) {
  Diagnostics d0("c.json");
  const auto valid = LoadConfig(kOld, d0);
  ASSERT_TRUE(valid);
  struct Change {
    const char* what;
    std::vector<size_t> at;
    std::function<void(Config&)> edit;
  };
  auto addr = [](const char* a) { return *IpAddr::Parse(a); };
  const Change changes[] = {
      {"weight 3",
       {0},
       [](Config& c) { c.services[0].real_servers[0].weight = 3; }},
      {"weight out of range",
       {3},
       [](Config& c) { c.services[3].real_servers[0].weight = 70000; }},
      {"a real server on another service's VIP",
       {3},
       [&](Config& c) {
         c.services[3].real_servers[1].address = addr("10.0.0.2");
       }},
      {"a real server on its own VIP",
       {3},
       [&](Config& c) {
         c.services[3].real_servers[1].address = addr("10.0.0.3");
       }},
      {"a duplicate real server",
       {3},
       [&](Config& c) {
         c.services[3].real_servers[1].address = addr("10.1.2.1");
       }},
      {"a loopback real server",
       {1},
       [&](Config& c) {
         c.services[1].real_servers[0].address = addr("127.0.0.1");
       }},
      {"an IPv6 real server",
       {2},
       [&](Config& c) {
         c.services[2].real_servers[0].address = addr("fd00::1");
       }},
      {"dr with wrr and a mapped port",
       {0},
       [](Config& c) { c.services[0].mode = Mode::kDr; }},
      {"quorum out of reach",
       {1},
       [](Config& c) { c.services[1].health.quorum = 9; }},
      {"two services",
       {0, 3},
       [&](Config& c) {
         c.services[0].real_servers[0].weight = 70000;
         c.services[3].real_servers[0].address = addr("10.0.0.1");
       }},
  };
  for (const Change& ch : changes) {
    SCOPED_TRACE(ch.what);
    Config cfg = *valid;
    ch.edit(cfg);
    for (size_t i : ch.at)
      ASSERT_TRUE(KeepsCrossServiceKeys(valid->services[i], cfg.services[i]));
    Diagnostics full("c.json"), at("c.json");
    CheckConfig(cfg, full);
    CheckConfigAt(cfg, ch.at, at);
    EXPECT_EQ(at.FormatAll(), full.FormatAll());
    EXPECT_EQ(full.HasErrors(), ch.what != std::string("weight 3"));
  }
}

}  // namespace
}  // namespace lvsnft
