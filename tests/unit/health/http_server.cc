// The test HTTP(S) server: evhttp, and for https a bufferevent_openssl
// per connection with a self-signed certificate made here (EC P-256,
// CN and SAN "localhost", valid one day).
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "health/loopback.h"

namespace lvsnft::health::testing {
namespace {

X509* SelfSigned(EVP_PKEY* key) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x, key, EVP_sha256());
  return x;
}

SSL_CTX* ServerContext() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = SelfSigned(key);
  EXPECT_EQ(SSL_CTX_use_certificate(ctx, cert), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx, key), 1);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

bufferevent* TlsBev(event_base* base, void* arg) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(arg));
  return bufferevent_openssl_socket_new(
      base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

void Reply(evhttp_request* req, int code, const char* body) {
  evbuffer* b = evbuffer_new();
  evbuffer_add_printf(b, "%s", body);
  evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
  evbuffer_free(b);
}

}  // namespace

HttpServer::HttpServer(event_base* base, bool tls)
    : HttpServer(base, tls ? ServerContext() : nullptr) {}

HttpServer::HttpServer(event_base* base, void* ssl_ctx)
    : http_(evhttp_new(base)), ssl_ctx_(ssl_ctx) {
  if (ssl_ctx_) evhttp_set_bevcb(http_, &TlsBev, ssl_ctx_);
  Listen();
}

void HttpServer::Listen() {
  evhttp_set_cb(
      http_, "/ok",
      [](evhttp_request* r, void*) { Reply(r, 200, "hello world"); }, nullptr);
  evhttp_set_cb(
      http_, "/fail", [](evhttp_request* r, void*) { Reply(r, 500, "broken"); },
      nullptr);
  evhttp_bound_socket* s =
      evhttp_bind_socket_with_handle(http_, "127.0.0.1", 0);
  EXPECT_NE(s, nullptr);
  sockaddr_in sa{};
  socklen_t len = sizeof(sa);
  getsockname(evhttp_bound_socket_get_fd(s), reinterpret_cast<sockaddr*>(&sa),
              &len);
  port_ = ntohs(sa.sin_port);
}

HttpServer::~HttpServer() {
  evhttp_free(http_);
  if (ssl_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

}  // namespace lvsnft::health::testing
