#include "health/test_pki.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace lvsnft::health::testing {
namespace {

/// A key and its certificate.
struct Identity {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Identity() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

void AddExt(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(e, nullptr) << value;
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

/// A certificate for CN `cn` signed by `issuer` (self-signed when null);
/// a CA when `san` is null, else a leaf with that subjectAltName.
void Make(Identity& id, const char* cn, const Identity* issuer, const char* san,
          long serial) {
  id.key = EVP_EC_gen("P-256");
  X509* x = id.cert = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, id.key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1,
                             0);
  X509* signer = issuer ? issuer->cert : x;
  X509_set_issuer_name(x, X509_get_subject_name(signer));
  if (san) {
    AddExt(x, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(x, signer, NID_subject_alt_name, san);
  } else {
    AddExt(x, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  X509_sign(x, issuer ? issuer->key : id.key, EVP_sha256());
}

/// Writes the certificate (and with `key_path` the key) as PEM.
void Save(const Identity& id, const std::string& cert_path,
          const std::string& key_path = "") {
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, id.cert);
  std::fclose(f);
  if (key_path.empty()) return;
  f = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, id.key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

}  // namespace

TestPki::TestPki() : dir(tmp.path) {
  ca_file = dir + "/ca.pem";
  other_ca_file = dir + "/other-ca.pem";
  server_cert = dir + "/server.pem";
  server_key = dir + "/server.key";
  client_cert = dir + "/client.pem";
  client_key = dir + "/client.key";
  Identity ca, other, server, client;
  Make(ca, "lvsnft test CA", nullptr, nullptr, 1);
  Make(other, "lvsnft other CA", nullptr, nullptr, 2);
  Make(server, "localhost", &ca, "DNS:localhost,IP:127.0.0.1", 3);
  Make(client, "lvsnft director", &ca, "DNS:director", 4);
  Save(ca, ca_file);
  Save(other, other_ca_file);
  Save(server, server_cert, server_key);
  Save(client, client_cert, client_key);
}

SSL_CTX* TestPki::ServerContext(bool require_client) const {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx, server_cert.c_str()), 1);
  EXPECT_EQ(
      SSL_CTX_use_PrivateKey_file(ctx, server_key.c_str(), SSL_FILETYPE_PEM),
      1);
  if (require_client) {
    EXPECT_EQ(SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr), 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
  }
  return ctx;
}

std::string TestPki::Write(const std::string& name,
                           const std::string& text) const {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string ReadText(const std::string& path) {
  std::ostringstream out;
  out << std::ifstream(path).rdbuf();
  return out.str();
}

}  // namespace lvsnft::health::testing
