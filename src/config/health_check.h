// The health-check part of the config model: the `health_check` object of
// a service (the default of its servers) and of a real server (an
// override merged field by field), the service-level failure policy, and
// the resolution of both into the one check a real server gets.
// docs/health-checks.md describes the semantics.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/addr.h"
#include "config/diag.h"
#include "config/pointer.h"

namespace lvsnft {

/// Where a value was found: JSON pointer plus line/column.
struct Origin {
  JsonPointer pointer;
  SourceLoc loc;
};

/// What a health check does to decide whether a server is up.
enum class CheckType { kTcp, kHttp, kHttps, kUdp, kExec };
/// State a checked server starts in before its first result.
enum class InitialState { kUp, kDown };
/// What happens to a server whose check fails.
enum class OnFailure { kRemove, kDrain };
/// Where new flows go when every server is down and there is no sorry
/// server (or the quorum is lost without one).
enum class AllDown { kDrop, kPanic };

/// Names as written in the config ("tcp", "down", "drain", "panic").
const char* CheckTypeName(CheckType t);
const char* InitialStateName(InitialState s);
const char* OnFailureName(OnFailure f);
const char* AllDownName(AllDown a);

/// An inclusive range of HTTP status codes; one code has first == last.
struct StatusRange {
  uint16_t first = 200;
  uint16_t last = 399;
  bool operator==(const StatusRange&) const = default;
};

/// One `health_check` object as written: a field is set only when the
/// object names it. `origins` maps each given key to where its value is.
struct HealthCheckSpec {
  std::optional<CheckType> type;
  std::optional<std::string> path, host, regex, sni;  // http, https
  std::optional<std::vector<StatusRange>> status;     // http, https
  std::optional<bool> verify;                         // https
  /// https: PEM files (absolute paths): CA bundle, client cert and key.
  std::optional<std::string> ca_file, client_cert, client_key;
  std::optional<std::string> payload, expect;       // udp (payload decoded)
  std::optional<std::vector<std::string>> command;  // exec
  std::optional<std::chrono::milliseconds> interval, timeout, fast_interval;
  std::optional<uint32_t> rise, fall;
  std::optional<InitialState> initial_state;
  std::optional<IpAddr> address;
  std::optional<uint16_t> port;
  Origin origin;                          ///< The object itself.
  std::map<std::string, Origin> origins;  ///< Key -> its value's origin.
};

/// The check one real server gets, every default resolved; what the
/// daemon builds a prober from.
struct HealthCheck {
  CheckType type = CheckType::kTcp;
  IpAddr address;     ///< Target: the real server unless overridden.
  uint16_t port = 0;  ///< Target port; 0 only for exec checks.
  std::string path = "/";
  std::string host;  ///< Host header; default: the target address.
  std::vector<StatusRange> status = {StatusRange{}};
  std::string regex;  ///< Body regex (ECMAScript); empty = any body.
  std::string sni;    ///< TLS server name; default: `host` when given.
  bool verify = true;
  std::string ca_file;      ///< CA bundle to verify against; "" = system store.
  std::string client_cert;  ///< Client certificate chain (PEM); "" = none.
  std::string client_key;   ///< Its private key (PEM); set with client_cert.
  std::string payload;      ///< UDP datagram bytes.
  std::string expect;       ///< UDP reply regex; empty = no reply needed.
  std::vector<std::string> command;  ///< exec argv; [0] absolute.
  std::chrono::milliseconds interval{2000};
  /// Default min(interval, 5 s).
  std::chrono::milliseconds timeout{2000};
  /// Default min(interval, 1 s).
  std::chrono::milliseconds fast_interval{1000};
  uint32_t rise = 2;
  uint32_t fall = 3;
  InitialState initial_state = InitialState::kUp;
};

/// Where traffic goes while the quorum is lost (keepalived sorry_server).
struct SorryServer {
  IpAddr address;
  std::optional<uint16_t> port;  ///< Absent: same port as the VIP.
  Origin origin, address_origin, port_origin;
};

/// Service-level reaction to failed checks (keys of the service object).
struct HealthPolicy {
  OnFailure on_failure = OnFailure::kRemove;
  bool flush_conntrack = false;  ///< Also delete TCP/SCTP conntrack entries.
  uint32_t quorum = 0;           ///< Sum of live weights needed; 0 = off.
  uint32_t hysteresis = 0;
  std::optional<SorryServer> sorry_server;
  AllDown all_down = AllDown::kDrop;
  Origin flush_conntrack_origin, quorum_origin, hysteresis_origin;
  Origin all_down_origin;
};

/// True when key `key` of a health_check object applies to checks of
/// type `t` (type-independent keys apply to every type).
bool HealthKeyApplies(std::string_view key, CheckType t);

/// Comma list of the types `key` applies to ("http and https").
std::string HealthKeyTypes(std::string_view key);

/// `override` merged over `base`: a field the override gives wins. When
/// the override names another type than `base`, base's type-specific
/// fields (path, host, status, regex, sni, verify, ca_file, client_cert,
/// client_key, payload, expect, command) are dropped; timing and target fields
/// are still inherited.
HealthCheckSpec MergeHealthCheck(const HealthCheckSpec& base,
                                 const HealthCheckSpec& override);

}  // namespace lvsnft
