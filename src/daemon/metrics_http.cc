#include "daemon/metrics_http.h"

#include <event2/buffer.h>
#include <event2/http.h>

#include <charconv>
#include <memory>

namespace lvsnft::daemon {
namespace {

// A request whose reply may come later; `req` is null once its client's
// connection has closed (evhttp has freed the request then).
struct Pending {
  evhttp_request* req;
  evhttp_connection* conn;
};

void OnClosed(evhttp_connection*, void* arg) {
  static_cast<Pending*>(arg)->req = nullptr;
}

void Send(Pending& p, const std::string& body) {
  if (!p.req) return;
  evhttp_connection_set_closecb(p.conn, nullptr, nullptr);
  evbuffer* buf = evbuffer_new();
  evbuffer_add(buf, body.data(), body.size());
  evhttp_add_header(evhttp_request_get_output_headers(p.req), "Content-Type",
                    "text/plain; version=0.0.4; charset=utf-8");
  evhttp_send_reply(p.req, 200, "OK", buf);
  evbuffer_free(buf);
  p.req = nullptr;
}

void OnRequest(evhttp_request* req, void* arg) {
  auto* render = static_cast<std::function<void(MetricsServer::Reply)>*>(arg);
  if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
    evhttp_send_error(req, 405, "Method Not Allowed");
    return;
  }
  auto p = std::make_shared<Pending>(
      Pending{req, evhttp_request_get_connection(req)});
  evhttp_connection_set_closecb(p->conn, OnClosed, p.get());
  (*render)([p](const std::string& body) { Send(*p, body); });
}

Result<std::pair<std::string, uint16_t>> SplitListen(const std::string& s) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 == s.size())
    return Status::Error("--metrics-listen: expected ADDR:PORT, got \"" + s +
                         "\"");
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto [p, ec] =
      std::from_chars(s.data() + colon + 1, s.data() + s.size(), port);
  if (ec != std::errc() || p != s.data() + s.size() || port > 65535)
    return Status::Error("--metrics-listen: bad port in \"" + s + "\"");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Open(
    event_base* base, const std::string& listen,
    std::function<void(Reply)> render) {
  auto hp = SplitListen(listen);
  if (!hp.ok()) return hp.status();
  std::unique_ptr<MetricsServer> m(new MetricsServer());
  m->render_ = std::move(render);
  m->http_ = evhttp_new(base);
  if (!m->http_) return Status::Error("evhttp_new failed");
  if (evhttp_bind_socket(m->http_, hp->first.c_str(), hp->second) != 0)
    return Status::Error("cannot listen on " + listen + " for metrics");
  evhttp_set_allowed_methods(m->http_, EVHTTP_REQ_GET);
  evhttp_set_cb(m->http_, "/metrics", OnRequest, &m->render_);
  return m;
}

MetricsServer::~MetricsServer() {
  if (http_) evhttp_free(http_);
}

}  // namespace lvsnft::daemon
