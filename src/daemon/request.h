// Control-socket requests: one JSON object per connection, for example
//   {"command":"set","service":"web","server":"10.0.0.2:80","state":"drain"}
// Parsing is strict (unknown commands and keys, wrong types and sizes are
// rejected with an exact message) so a bad client never changes anything.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "base/status.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {

/// Largest request accepted, in bytes.
constexpr size_t kMaxRequestBytes = 64 * 1024;

/// What a client asked for.
struct Request {
  enum class Kind { kStatus, kReload, kSet, kClear };
  Kind kind = Kind::kStatus;
  /// set: target and changes; clear: target (unless `all`).
  Override target;
  bool all = false;  ///< clear: every override.
};

/// Parses one request; the error text goes back to the client as is.
Result<Request> ParseRequest(const std::string& text);

/// {"ok":false,"error":MESSAGE}
std::string ErrorReply(const std::string& message);

}  // namespace lvsnft::daemon
