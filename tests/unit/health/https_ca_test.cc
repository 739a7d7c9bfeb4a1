// https checks against a server whose certificate a throw-away CA signed
// (test_pki.h): verification with the CA file, without it and with the
// wrong CA; client certificates; one TLS context per distinct CA file,
// read once and again after ReloadTls.
#include <gtest/gtest.h>

#include "health/engine.h"
#include "health/loopback.h"
#include "health/test_pki.h"

namespace lvsnft::health {
namespace {

using testing::Loop;
using testing::TestPki;

constexpr char kUnknownIssuer[] =
    "certificate verify failed: unable to get local issuer certificate";

/// The first result of one attempt of `spec` on `engine`: "ok" or the
/// reason. The probe is removed afterwards; the engine keeps its TLS
/// contexts.
std::string Attempt(Loop& loop, Engine& engine, const CheckSpec& spec) {
  EXPECT_TRUE(engine.Add(spec).ok());
  bool done = loop.RunUntil([&] { return engine.StatusOf(spec)->checked; },
                            Millis(5000));
  EXPECT_TRUE(done);
  TargetStatus s = *engine.StatusOf(spec);
  engine.Remove(spec);
  return s.last_ok ? "ok" : s.last_reason;
}

EngineOptions OneShot() {
  EngineOptions o;
  o.spread_start = false;
  return o;
}

/// An https GET /ok of 127.0.0.1:port, verified, patient timings.
CheckSpec Https(uint16_t port, const std::string& ca_file) {
  CheckSpec s = testing::LocalSpec(CheckType::kHttps, port);
  s.path = "/ok";
  s.interval = s.timeout = Millis(2000);
  s.ca_file = ca_file;
  return s;
}

TEST(HttpsCaTest, VerifiesAgainstTheCaFileOnly) {
  Loop loop;
  TestPki pki;
  testing::HttpServer server(loop.base, pki.ServerContext());
  Engine engine(loop.base, nullptr, OneShot());
  CheckSpec s = Https(server.port(), pki.ca_file);
  EXPECT_EQ(Attempt(loop, engine, s), "ok");  // The address (IP SAN).
  s.sni = "localhost";
  EXPECT_EQ(Attempt(loop, engine, s), "ok");  // The name (DNS SAN).
  s.sni = "elsewhere";
  EXPECT_EQ(Attempt(loop, engine, s),
            "certificate verify failed: hostname mismatch");
  s.sni = "localhost";
  s.ca_file = "";  // The system store does not know the test CA.
  EXPECT_EQ(Attempt(loop, engine, s), kUnknownIssuer);
  s.ca_file = pki.other_ca_file;
  EXPECT_EQ(Attempt(loop, engine, s), kUnknownIssuer);
  s.verify = false;
  s.ca_file = "";
  EXPECT_EQ(Attempt(loop, engine, s), "ok");
}

TEST(HttpsCaTest, AMissingCaFileFailsTheAttempt) {
  Loop loop;
  TestPki pki;
  testing::HttpServer server(loop.base, pki.ServerContext());
  Engine engine(loop.base, nullptr, OneShot());
  CheckSpec s = Https(server.port(), pki.dir + "/gone.pem");
  EXPECT_EQ(Attempt(loop, engine, s),
            "tls setup failed: ca_file " + pki.dir + "/gone.pem: cannot load");
}

TEST(HttpsCaTest, ClientCertificate) {
  Loop loop;
  TestPki pki;
  testing::HttpServer server(loop.base, pki.ServerContext(true));
  Engine engine(loop.base, nullptr, OneShot());
  CheckSpec s = Https(server.port(), pki.ca_file);
  EXPECT_NE(Attempt(loop, engine, s), "ok");  // The server wants one.
  s.client_cert = pki.client_cert;
  s.client_key = pki.client_key;
  EXPECT_EQ(Attempt(loop, engine, s), "ok");
  s.client_key = pki.server_key;  // Not the certificate's key.
  EXPECT_EQ(Attempt(loop, engine, s),
            "tls setup failed: client_key " + pki.server_key + ": cannot load");
}

TEST(HttpsCaTest, OneContextPerCaFileReadAgainOnReload) {
  Loop loop;
  TestPki pki;
  testing::HttpServer a(loop.base, pki.ServerContext());
  testing::HttpServer b(loop.base, pki.ServerContext());
  Engine engine(loop.base, nullptr, OneShot());
  std::string bundle = pki.Write("bundle.pem", testing::ReadText(pki.ca_file));
  EXPECT_EQ(Attempt(loop, engine, Https(a.port(), bundle)), "ok");
  EXPECT_EQ(Attempt(loop, engine, Https(b.port(), bundle)), "ok");
  EXPECT_EQ(engine.TlsContextCount(), 1u);  // Both targets share it.
  EXPECT_EQ(Attempt(loop, engine, Https(a.port(), pki.ca_file)), "ok");
  EXPECT_EQ(engine.TlsContextCount(), 2u);
  // The bundle now holds the other CA: the loaded context still has the
  // old one until the reload.
  pki.Write("bundle.pem", testing::ReadText(pki.other_ca_file));
  EXPECT_EQ(Attempt(loop, engine, Https(a.port(), bundle)), "ok");
  engine.ReloadTls();
  EXPECT_EQ(engine.TlsContextCount(), 0u);
  EXPECT_EQ(Attempt(loop, engine, Https(a.port(), bundle)), kUnknownIssuer);
}

}  // namespace
}  // namespace lvsnft::health
