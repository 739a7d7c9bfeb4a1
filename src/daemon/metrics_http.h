// GET /metrics over libevent's evhttp (off unless --metrics-listen).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

struct event_base;
struct evhttp;

namespace lvsnft::daemon {

/// An HTTP listener answering GET /metrics with the page `render` hands
/// to its callback, at once or later from the same event loop (the reply
/// waits; the loop keeps serving). A client gone meanwhile is skipped.
class MetricsServer {
 public:
  /// Sends the page (on the event loop's thread).
  using Reply = std::function<void(const std::string&)>;
  /// `listen` is "ADDR:PORT" ("[V6]:PORT" for IPv6).
  static Result<std::unique_ptr<MetricsServer>> Open(
      event_base* base, const std::string& listen,
      std::function<void(Reply)> render);
  ~MetricsServer();

 private:
  MetricsServer() = default;
  evhttp* http_ = nullptr;
  std::function<void(Reply)> render_;
};

}  // namespace lvsnft::daemon
