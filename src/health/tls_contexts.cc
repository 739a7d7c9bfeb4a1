#include "health/tls_contexts.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace lvsnft::health {
namespace {

/// Reads the CA bundle and the client identity into `ctx`: "" or what
/// did not load.
std::string LoadFiles(SSL_CTX* ctx, const CheckSpec& s) {
  if (!s.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1) {
    return "ca_file " + s.ca_file + ": cannot load";
  }
  if (!s.client_cert.empty() &&
      SSL_CTX_use_certificate_chain_file(ctx, s.client_cert.c_str()) != 1) {
    return "client_cert " + s.client_cert + ": cannot load";
  }
  if (!s.client_key.empty() &&
      (SSL_CTX_use_PrivateKey_file(ctx, s.client_key.c_str(),
                                   SSL_FILETYPE_PEM) != 1 ||
       SSL_CTX_check_private_key(ctx) != 1)) {
    return "client_key " + s.client_key + ": cannot load";
  }
  return "";
}

/// A client context for `s`: verification as asked, against the CA file
/// or else the system store; the client identity when given. Sets `error`
/// (and returns nullptr) when a file does not load.
SSL_CTX* NewContext(const CheckSpec& s, std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = "cannot create a TLS context";
    return nullptr;
  }
  SSL_CTX_set_verify(ctx, s.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                     nullptr);
  if (s.verify && s.ca_file.empty()) SSL_CTX_set_default_verify_paths(ctx);
  error = LoadFiles(ctx, s);
  ERR_clear_error();
  if (error.empty()) return ctx;
  SSL_CTX_free(ctx);
  return nullptr;
}

}  // namespace

TlsContexts::~TlsContexts() { Clear(); }

Result<SSL_CTX*> TlsContexts::Get(const CheckSpec& spec) {
  Key key{spec.verify, spec.verify ? spec.ca_file : "", spec.client_cert,
          spec.client_key};
  auto [it, added] = ctxs_.try_emplace(std::move(key));
  Entry& e = it->second;
  if (added) e.ctx = NewContext(spec, e.error);
  if (!e.ctx) return Status::Error(e.error);
  return e.ctx;
}

void TlsContexts::Clear() {
  for (auto& [key, e] : ctxs_) SSL_CTX_free(e.ctx);
  ctxs_.clear();
}

}  // namespace lvsnft::health
