// A throw-away PKI for the https tests: a CA, a second (unrelated) CA, a
// server certificate and a client certificate signed by the first, all
// EC P-256, written as PEM files into a fresh temp directory that is
// removed with the object.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "test_util.h"

namespace lvsnft::health::testing {

/// The files and a server context of one throw-away PKI.
class TestPki {
 public:
  TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  /// A TLS server context with the server certificate (CN and SAN
  /// "localhost", SAN IP 127.0.0.1); with `require_client` the client must
  /// present a certificate signed by the CA. The caller owns it.
  SSL_CTX* ServerContext(bool require_client = false) const;
  /// Writes `text` to file `name` in the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const;

  lvsnft::testing::TempDir tmp;  ///< Removed with the object.
  std::string dir;
  std::string ca_file;        ///< The CA certificate (PEM).
  std::string other_ca_file;  ///< A CA that signed nothing here.
  std::string server_cert, server_key;
  std::string client_cert, client_key;
};

/// The contents of the file `path` ("" when it cannot be read).
std::string ReadText(const std::string& path);

}  // namespace lvsnft::health::testing
