// http / https: one GET through libevent's evhttp client (https over a
// bufferevent_openssl with SNI and optional verification). Up when the
// status is accepted and the body matches the regex (if any).
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>

#include "health/probe_internal.h"
#include "health/tls_contexts.h"

namespace lvsnft::health {
namespace {

constexpr size_t kMaxBody = 1 << 20;

bool StatusAccepted(const CheckSpec& spec, int code) {
  if (spec.status.empty()) return code >= 200 && code <= 399;
  for (const auto& [lo, hi] : spec.status)
    if (code >= lo && code <= hi) return true;
  return false;
}

/// The Host header: `host`, else the address (and port if not the default).
std::string HostHeader(const CheckSpec& spec) {
  if (!spec.host.empty()) return spec.host;
  std::string a = spec.address.ToString();
  if (spec.address.family == IpFamily::kV6) a = "[" + a + "]";
  uint16_t def = spec.type == CheckType::kHttps ? 443 : 80;
  return spec.port == def ? a : a + ":" + std::to_string(spec.port);
}

/// A TLS session: SNI (sni, else a host that is not an address) and,
/// when verifying, the name or address the certificate must carry; or
/// why there is none (`why`).
SSL* NewSsl(const ProbeEnv& env, const CheckSpec& spec, std::string& why) {
  Result<SSL_CTX*> ctx = env.tls->Get(spec);
  if (!ctx.ok()) {
    why = "tls setup failed: " + ctx.status().message();
    return nullptr;
  }
  SSL* ssl = SSL_new(*ctx);
  if (!ssl) {
    why = "tls setup failed";
    return nullptr;
  }
  std::string name = spec.sni.empty() ? spec.host : spec.sni;
  if (IpAddr::Parse(name)) name.clear();
  if (!name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());
  if (spec.verify && !name.empty()) SSL_set1_host(ssl, name.c_str());
  if (spec.verify && name.empty())
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
                                  spec.address.ToString().c_str());
  return ssl;
}

class HttpProbe : public ProbeBase {
 public:
  HttpProbe(event_base* base, const CheckSpec& spec, const Matchers& m,
            Done done)
      : ProbeBase(base, std::move(done)), spec_(spec), m_(m) {}
  ~HttpProbe() override {
    if (conn_) evhttp_connection_free(conn_);
  }

  void Start(const ProbeEnv& env) {
    bufferevent* bev = nullptr;
    if (spec_.type == CheckType::kHttps) {
      std::string why;
      SSL* ssl = NewSsl(env, spec_, why);
      if (!ssl) return FinishSoon(Fail(why));
      bev = bufferevent_openssl_socket_new(
          base_, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
          BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
      if (bev) bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    } else {
      bev = bufferevent_socket_new(base_, -1, BEV_OPT_CLOSE_ON_FREE);
    }
    if (!bev) return FinishSoon(Fail("bufferevent setup failed"));
    conn_ = evhttp_connection_base_bufferevent_new(
        base_, nullptr, bev, spec_.address.ToString().c_str(), spec_.port);
    if (!conn_) {
      bufferevent_free(bev);
      return FinishSoon(Fail("http setup failed"));
    }
    evhttp_connection_set_max_body_size(conn_, kMaxBody);
    SendRequest();
  }

  ProbeResult OnTimeout() override {
    if (!conn_) return Fail("connect timeout");
    int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn_));
    sockaddr_storage peer;
    socklen_t len = sizeof(peer);
    bool connected =
        fd >= 0 &&
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
    return Fail(connected ? "http timeout" : "connect timeout");
  }

 private:
  void SendRequest() {
    evhttp_request* req = evhttp_request_new(&HttpProbe::OnResponse, this);
    evhttp_request_set_error_cb(req, &HttpProbe::OnError);
    evkeyvalq* h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", HostHeader(spec_).c_str());
    evhttp_add_header(h, "User-Agent", "lvsnft-health");
    evhttp_add_header(h, "Connection", "close");
    if (evhttp_make_request(conn_, req, EVHTTP_REQ_GET, spec_.path.c_str())) {
      return FinishSoon(Fail("http request failed"));  // req freed by it.
    }
    // libevent frees the connection once the request completes or fails.
    evhttp_connection_free_on_completion(conn_);
    // Sees connect errors first (their errno), then hands them to evhttp.
    bufferevent* bev = evhttp_connection_get_bufferevent(conn_);
    bufferevent_data_cb r, w;
    bufferevent_getcb(bev, &r, &w, &evhttp_event_, &evhttp_arg_);
    bufferevent_setcb(bev, r, w, &HttpProbe::OnConnectEvent, this);
  }

  static void OnConnectEvent(bufferevent* bev, short what, void* arg) {
    auto* self = static_cast<HttpProbe*>(arg);
    if (what & BEV_EVENT_ERROR) self->connect_errno_ = EVUTIL_SOCKET_ERROR();
    self->evhttp_event_(bev, what, self->evhttp_arg_);  // May free self.
  }

  static void OnError(evhttp_request_error err, void* arg) {
    static_cast<HttpProbe*>(arg)->error_ = err;
  }

  /// Why no response came: TLS, the connect error, or evhttp's error.
  std::string FailureReason() {
    if (std::string tls = TlsReason(); !tls.empty()) return tls;
    if (connect_errno_ != 0) return ErrnoReason("connect", connect_errno_);
    switch (error_) {
      case EVREQ_HTTP_TIMEOUT:
        return "http timeout";
      case EVREQ_HTTP_INVALID_HEADER:
        return "invalid http response";
      case EVREQ_HTTP_DATA_TOO_LONG:
        return "http response too large";
      default:
        break;
    }
    return "connection closed";
  }

  /// Why the TLS handshake failed, or "".
  std::string TlsReason() {
    if (spec_.type != CheckType::kHttps || !conn_) return "";
    SSL* ssl =
        bufferevent_openssl_get_ssl(evhttp_connection_get_bufferevent(conn_));
    if (!ssl) return "";
    long v = SSL_get_verify_result(ssl);
    if (spec_.verify && v != X509_V_OK)
      return std::string("certificate verify failed: ") +
             X509_verify_cert_error_string(v);
    unsigned long e =
        bufferevent_get_openssl_error(evhttp_connection_get_bufferevent(conn_));
    if (e == 0) return "";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    return std::string("tls: ") + buf;
  }

  static void OnResponse(evhttp_request* req, void* arg) {
    auto* self = static_cast<HttpProbe*>(arg);
    int code = req ? evhttp_request_get_response_code(req) : 0;
    ProbeResult r =
        code == 0 ? Fail(self->FailureReason()) : self->Judge(req, code);
    self->conn_ = nullptr;  // Freed by libevent after this callback.
    self->Finish(std::move(r));
  }

  ProbeResult Judge(evhttp_request* req, int code) {
    if (!StatusAccepted(spec_, code))
      return Fail("http status " + std::to_string(code));
    if (m_.body) {
      evbuffer* in = evhttp_request_get_input_buffer(req);
      size_t n = evbuffer_get_length(in);
      auto* p = reinterpret_cast<const char*>(evbuffer_pullup(in, -1));
      if (!std::regex_search(p, p + n, *m_.body))
        return Fail("body does not match");
    }
    ProbeResult r;
    r.ok = true;
    return r;
  }

  const CheckSpec& spec_;
  const Matchers& m_;
  evhttp_connection* conn_ = nullptr;
  evhttp_request_error error_ = EVREQ_HTTP_EOF;
  bufferevent_event_cb evhttp_event_ = nullptr;
  void* evhttp_arg_ = nullptr;
  int connect_errno_ = 0;
};

}  // namespace

std::unique_ptr<Probe> StartHttp(const ProbeEnv& env, const CheckSpec& spec,
                                 const Matchers& m, Probe::Done done) {
  auto p = std::make_unique<HttpProbe>(env.base, spec, m, std::move(done));
  p->Start(env);
  return p;
}

}  // namespace lvsnft::health
