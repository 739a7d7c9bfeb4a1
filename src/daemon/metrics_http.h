// GET /metrics over libevent's evhttp (off unless --metrics-listen).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

struct event_base;
struct evhttp;

namespace lvsnft::daemon {

/// An HTTP listener answering GET /metrics with `render()`.
class MetricsServer {
 public:
  /// `listen` is "ADDR:PORT" ("[V6]:PORT" for IPv6).
  static Result<std::unique_ptr<MetricsServer>> Open(
      event_base* base, const std::string& listen,
      std::function<std::string()> render);
  ~MetricsServer();

 private:
  MetricsServer() = default;
  evhttp* http_ = nullptr;
  std::function<std::string()> render_;
};

}  // namespace lvsnft::daemon
