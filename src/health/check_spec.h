// What one health check is (CheckSpec, filled in by the daemon from the
// config), what one probe attempt gives (ProbeResult), a target's status
// and the transitions the engine reports.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/addr.h"
#include "base/status.h"

namespace lvsnft::health {

using Millis = std::chrono::milliseconds;

/// The kind of probe.
enum class CheckType { kTcp, kHttp, kHttps, kUdp, kExec };

/// Up (receives traffic) or down.
enum class State { kDown, kUp };

/// One check definition and its target. Two equal specs are one probe
/// (the engine's key), however many services subscribe to it.
struct CheckSpec {
  CheckType type = CheckType::kTcp;
  IpAddr address;     ///< Target address (tcp, http, https, udp).
  uint16_t port = 0;  ///< Target port (tcp, http, https, udp).
  // http / https
  std::string path = "/";  ///< Request path of the GET.
  std::string host;        ///< Host header; "" = the target address.
  /// Accepted status codes as inclusive ranges; empty = 200..399.
  std::vector<std::pair<int, int>> status;
  std::string body_regex;  ///< ECMAScript regex searched in the body; "" = any.
  // https
  std::string sni;          ///< TLS server name; "" = host (if not an address).
  bool verify = true;       ///< Verify the certificate chain and the name.
  std::string ca_file;      ///< PEM CA bundle; "" = the system store.
  std::string client_cert;  ///< PEM client certificate chain; "" = none.
  std::string client_key;   ///< PEM private key of client_cert.
  // udp
  std::string payload;       ///< Datagram sent (bytes, may be empty).
  std::string expect_regex;  ///< "" = success is no ICMP error in time.
  // exec
  std::vector<std::string> argv;  ///< Program and arguments (no shell).
  // timing
  Millis interval{2000};
  Millis timeout{2000};     ///< Per attempt; a hung server costs this much.
  int rise = 2;             ///< Successes in a row to go up.
  int fall = 3;             ///< Failures in a row to go down.
  Millis fast_interval{0};  ///< Between states; 0 = interval.
  State initial_state = State::kUp;

  auto operator<=>(const CheckSpec&) const = default;
};

/// The engine's key for a probe: the whole definition.
using Key = CheckSpec;

/// Accepts the spec or says what is wrong with it (one line).
Status Validate(const CheckSpec& spec);

/// "tcp", "http", "https", "udp", "exec".
const char* TypeName(CheckType t);
/// "UP" / "DOWN".
const char* StateName(State s);
/// "tcp 192.168.1.11:80", "http [2001:db8::1]:8080/health",
/// "exec /usr/lib/check arg" (for logs and status).
std::string Describe(const CheckSpec& spec);

/// What one probe attempt found.
struct ProbeResult {
  bool ok = false;
  /// "" when ok; else "connect timeout", "connection refused",
  /// "http status 500", "body does not match", "exit 1", ...
  std::string reason;
  Millis latency{0};
  /// exec exit 2..255: the new weight (code - 2), keepalived's misc_dynamic.
  std::optional<int> weight;
};

/// A change the engine reports for a probe.
struct Transition {
  enum class Kind { kUp, kDown, kWeight };
  Kind kind = Kind::kDown;
  /// Results in a row that made the change (rise or fall; 1 for weight).
  int count = 0;
  std::string reason;         ///< The last failure's reason (kDown).
  std::optional<int> weight;  ///< Dynamic weight now (exec), if any.
};

/// Where a probe stands (for `status` and metrics).
struct TargetStatus {
  State state = State::kUp;
  bool checked = false;  ///< At least one attempt has finished.
  bool last_ok = false;
  std::string last_reason;  ///< Reason of the last attempt ("" = ok).
  Millis last_latency{0};
  int failures_in_row = 0;
  int successes_in_row = 0;
  std::chrono::system_clock::time_point since;  ///< Of the current state.
  std::optional<int> weight;  ///< exec dynamic weight, if reported.
  uint64_t checks = 0;        ///< Attempts finished.
  uint64_t failures = 0;      ///< Attempts failed.
  uint64_t transitions = 0;   ///< Up/down changes.
};

}  // namespace lvsnft::health
