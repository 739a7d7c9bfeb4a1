#include "config/health_pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "config/json.h"

namespace lvsnft {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// Opens `path` for reading: the BIO, or the reason it cannot be read.
BioPtr Open(std::string_view key, const std::string& path, std::string& why) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) {
    why = "cannot read " + std::string(key) + " " + json::Quote(path, 256) +
          ": " + std::strerror(errno);
    return nullptr;
  }
  return BioPtr(BIO_new_fp(f, BIO_CLOSE));
}

/// True when the last PEM read stopped only because no block was left.
bool CleanEnd() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  return e == 0 || ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

/// The first certificate of `path`, or nullptr.
X509* FirstCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return nullptr;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ERR_clear_error();
  return x;
}

}  // namespace

std::string CertFileProblem(std::string_view key, const std::string& path) {
  std::string why;
  BioPtr bio = Open(key, path, why);
  if (!bio) return why;
  int n = 0;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_free(x);
    ++n;
  }
  std::string name = std::string(key) + " " + json::Quote(path, 256);
  if (!CleanEnd()) {
    return name + ": certificate " + std::to_string(n + 1) + " does not decode";
  }
  if (n == 0) {
    return name + " holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")";
  }
  return "";
}

std::string KeyFileProblem(const std::string& key_path,
                           const std::string& cert_path) {
  std::string why;
  BioPtr bio = Open("client_key", key_path, why);
  if (!bio) return why;
  // No passphrase prompt: an encrypted key fails to load.
  auto no_pass = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass, nullptr);
  ERR_clear_error();
  std::string name = "client_key " + json::Quote(key_path, 256);
  if (!key) return name + " holds no unencrypted PEM private key";
  X509* cert = FirstCert(cert_path);
  bool other = cert && X509_check_private_key(cert, key) != 1;
  ERR_clear_error();
  X509_free(cert);
  EVP_PKEY_free(key);
  if (other) {
    return name + " is not the key of client_cert " +
           json::Quote(cert_path, 256);
  }
  return "";
}

}  // namespace lvsnft
