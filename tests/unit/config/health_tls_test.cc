// The https keys ca_file, client_cert and client_key: every error with its
// exact text and location (paths checked for absoluteness by the parser,
// the files loaded by the checker), and what EffectiveHealthCheck carries.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/parse.h"
#include "health/test_pki.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using health::testing::TestPki;

constexpr int kHcColumn = 18;  // Of the health_check object on line 3.

/// One nat service on port 443 whose health_check is `hc` (line 3,
/// column 18) and whose real servers are `rs` (line 4).
std::string Cfg(const std::string& hc, const std::string& rs = "[]") {
  return "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
         "\"services\": [\n{\"name\": \"web\", \"vip\": \"10.0.0.1\", "
         "\"ports\": [443], \"mode\": \"nat\",\n \"health_check\": " +
         hc + ",\n \"real_servers\": " + rs + "\n}]}";
}

/// `"key": "value"` as JSON text.
std::string Kv(const std::string& key, const std::string& value) {
  return "\"" + key + "\": \"" + value + "\"";
}

/// The error line for the value of `key` in `text` (line `line`, whose
/// text starts at column `base`), below `ptr`.
std::string At(int line, int base, const std::string& text,
               const std::string& ptr, const std::string& key,
               const std::string& msg) {
  size_t at = text.find("\"" + key + "\": ");
  EXPECT_NE(at, std::string::npos) << key;
  int col = base + static_cast<int>(at + key.size() + 4);
  return "c.json:" + std::to_string(line) + ":" + std::to_string(col) +
         ": error: " + ptr + "/" + key + ": " + msg + "\n";
}

/// At for a key of the service's health_check.
std::string SvcAt(const std::string& hc, const std::string& key,
                  const std::string& msg) {
  return At(3, kHcColumn, hc, "/services/0/health_check", key, msg);
}

/// An https health_check with `fields`.
std::string Https(const std::string& fields) {
  return "{\"type\": \"https\", " + fields + "}";
}

TEST(HealthTlsTest, Errors) {
  TestPki pki;
  std::string gone = pki.dir + "/gone.pem";
  std::string text = pki.Write("text.pem", "not a certificate\n");
  std::string bad = pki.Write(
      "bad.pem",
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  std::string second_bad =
      pki.Write("second.pem", health::testing::ReadText(pki.ca_file) +
                                  health::testing::ReadText(bad));
  auto ca = [](const std::string& p) { return Https(Kv("ca_file", p)); };
  auto id = [&](const std::string& cert, const std::string& key) {
    return Https(Kv("client_cert", cert) + ", " + Kv("client_key", key));
  };
  std::string rel = ca("ca.pem"), miss = ca(gone), empty = ca(text),
              broken = ca(bad), second = ca(second_bad);
  std::string on_http =
      "{\"type\": \"http\", " + Kv("ca_file", pki.ca_file) + "}";
  std::string no_verify =
      Https(Kv("ca_file", pki.ca_file) + ", \"verify\": false");
  std::string cert_only = Https(Kv("client_cert", pki.client_cert));
  std::string key_only = Https(Kv("client_key", pki.client_key));
  std::string other_key = id(pki.client_cert, pki.server_key);
  std::string no_key = id(pki.client_cert, pki.client_cert);
  std::string rel_key = id(pki.client_cert, "client.key");
  testing::RunDiagCases({
      {"relative ca_file", Cfg(rel),
       SvcAt(rel, "ca_file", "ca_file \"ca.pem\" must be an absolute path")},
      {"missing ca_file", Cfg(miss),
       SvcAt(
           miss, "ca_file",
           "cannot read ca_file \"" + gone + "\": No such file or directory")},
      {"ca_file without a certificate", Cfg(empty),
       SvcAt(empty, "ca_file",
             "ca_file \"" + text +
                 "\" holds no PEM certificate (\"-----BEGIN "
                 "CERTIFICATE-----\")")},
      {"ca_file with a broken certificate", Cfg(broken),
       SvcAt(broken, "ca_file",
             "ca_file \"" + bad + "\": certificate 1 does not decode")},
      {"ca_file whose second certificate is broken", Cfg(second),
       SvcAt(second, "ca_file",
             "ca_file \"" + second_bad + "\": certificate 2 does not decode")},
      {"ca_file on an http check", Cfg(on_http),
       SvcAt(on_http, "ca_file",
             "ca_file applies only to https checks (this check is http)")},
      {"ca_file without verification", Cfg(no_verify),
       SvcAt(no_verify, "ca_file",
             "ca_file applies only with verify true (this check accepts any "
             "server certificate)")},
      {"client_cert alone", Cfg(cert_only),
       SvcAt(cert_only, "client_cert", "client_cert needs client_key")},
      {"client_key alone", Cfg(key_only),
       SvcAt(key_only, "client_key", "client_key needs client_cert")},
      {"client_key of another certificate", Cfg(other_key),
       SvcAt(other_key, "client_key",
             "client_key \"" + pki.server_key +
                 "\" is not the key of client_cert \"" + pki.client_cert +
                 "\"")},
      {"client_key without a key", Cfg(no_key),
       SvcAt(no_key, "client_key",
             "client_key \"" + pki.client_cert +
                 "\" holds no unencrypted PEM private key")},
      {"relative client_key", Cfg(rel_key),
       SvcAt(rel_key, "client_key",
             "client_key \"client.key\" must be an absolute path")},
  });
}

TEST(HealthTlsTest, ServerOverridesAreCheckedWhereWritten) {
  TestPki pki;
  std::string hc = Https(Kv("ca_file", pki.ca_file));
  std::string rs =
      "[{\"address\": \"10.0.1.1\", \"health_check\": "
      "{\"verify\": false}}]";
  const int rs_col = 18;  // " \"real_servers\": " is 17 characters.
  std::string inner = rs.substr(rs.find("{\"verify\""));
  testing::RunDiagCases({
      {"verify false under the service's ca_file", Cfg(hc, rs),
       At(4, rs_col + static_cast<int>(rs.find(inner)), inner,
          "/services/0/real_servers/0/health_check", "verify",
          "ca_file applies only with verify true (this check accepts any "
          "server certificate)")},
      {"another type drops the service's ca_file",
       Cfg(hc,
           "[{\"address\": \"10.0.1.1\", \"health_check\": {\"type\": "
           "\"tcp\"}}]"),
       ""},
  });
}

TEST(HealthTlsTest, EffectiveCheckCarriesTheFiles) {
  TestPki pki;
  std::string hc = Https(Kv("ca_file", pki.ca_file) + ", " +
                         Kv("client_cert", pki.client_cert) + ", " +
                         Kv("client_key", pki.client_key));
  Diagnostics d("c.json");
  auto cfg = LoadConfig(Cfg(hc, "[{\"address\": \"10.0.1.1\"}]"), d);
  ASSERT_TRUE(cfg.has_value()) << d.FormatAll();
  const Service& s = cfg->services[0];
  auto c = EffectiveHealthCheck(s, s.real_servers[0]);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->ca_file, pki.ca_file);
  EXPECT_EQ(c->client_cert, pki.client_cert);
  EXPECT_EQ(c->client_key, pki.client_key);
}

}  // namespace
}  // namespace lvsnft
