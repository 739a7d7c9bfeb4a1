// The config v1 parser class, shared by parse.cc (the config walk) and
// parse_health.cc (health_check and the service's failure policy). Not a
// public interface: only ParseConfig (config/parse.h) uses it.
#pragma once

#include <array>
#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/diag.h"
#include "config/json.h"

namespace lvsnft::parse_detail {

using json::Type;
using json::Value;

/// "(did you mean \"x\"?)" or "(expected a, b or c)".
std::string Hint(std::string_view word, std::span<const std::string_view> k);

/// Walks the JSON tree of a config v1 file and fills a Config, reporting
/// every problem it meets and carrying on with the next value.
class ConfigParser {
 public:
  explicit ConfigParser(Diagnostics& d) : d_(d) {}
  /// Parses a whole file's tree. With `streamed`, the services[] entries
  /// were parsed already (json::ItemSink) and found the problems
  /// `streamed` holds; they are recorded where the entries' would be.
  void ParseRoot(const Value& root, Config& cfg,
                 const Diagnostics* streamed = nullptr);
  /// Parses one services[] entry that was read on its own (json::ParseAt):
  /// `at` is its pointer in the whole file ("/services/7"), put in front
  /// of every origin and message.
  void ParseServiceAt(const Value& v, const JsonPointer& at, Service& s);

 private:
  /// Where value `v` is.
  Origin OriginOf(const Value& v) const {
    JsonPointer p = base_;
    v.AppendPath(p);
    return {std::move(p), v.loc};
  }
  /// Where `v`, a child of the value whose origin is `parent`, is: the
  /// parent's pointer and one token more, with no walk from the root
  /// (every real server's fields take their origins so).
  static Origin OriginIn(const Origin& parent, const Value& v) {
    Origin o{parent.pointer, v.loc};
    v.AppendStep(o.pointer);
    return o;
  }
  void Error(const Value& v, std::string msg) {
    d_.Error(v.loc, OriginOf(v).pointer.str(), std::move(msg));
  }
  bool Is(const Value& v, Type t, const char* what = nullptr);
  bool Object(const Value& v, std::string_view kind);
  const Value* Require(const Value& obj, std::string_view key);
  bool Int(const Value& v, int64_t lo, int64_t hi, int64_t& out);
  template <typename T>
  void GetInt(const Value& obj, std::string_view key, int64_t lo, int64_t hi,
              T& out);
  void GetBool(const Value& obj, std::string_view key, bool& out);
  bool GetString(const Value* v, std::string& out);
  template <typename E, size_t N>
  bool GetEnum(const Value& obj, std::string_view key,
               const std::array<std::string_view, N>& names, E& out,
               Origin* origin = nullptr);
  bool Address(const Value* v, IpAddr& out);
  void ParseDirector(const Value& v, Director& dir);
  void ParseService(const Value& v, Service& s);
  void ParseScheduler(const Value& v, Service& s);
  void ParsePorts(const Value& v, std::vector<PortRange>& out);
  bool ParsePortItem(const Value& v, PortRange& out);
  bool ParsePortText(const Value& v, PortRange& out);
  /// Reads a "N" or "FIRST-LAST" string of `what` (port, status) into
  /// `nums`, each number in lo..hi; `one` names a single value in
  /// messages ("PORT").
  bool RangeText(const Value& v, std::string_view what, std::string_view one,
                 uint32_t lo, uint32_t hi, uint32_t (&nums)[2]);
  void ParsePersistence(const Value& v, const IpAddr* vip, Persistence& p);
  /// Reads "address" (required) and "port" of a real or sorry server `v`,
  /// whose own origin is `at`.
  void ParseTarget(const Value& v, const Origin& at, IpAddr& address,
                   Origin& address_origin, std::optional<uint16_t>& port,
                   Origin& port_origin);
  void ParseRealServer(const Value& v, RealServer& rs);
  // parse_health.cc
  void ParseHealthPolicy(const Value& v, Service& s);
  void ParseSorryServer(const Value& v, SorryServer& out);
  void ParseHealthCheck(const Value& v, HealthCheckSpec& h);
  void ParseHttpFields(const Value& v, HealthCheckSpec& h);
  void ParseOtherFields(const Value& v, HealthCheckSpec& h);
  bool Seconds(const Value& v, std::chrono::milliseconds& out);
  bool HeaderText(const Value& v, std::string_view key, std::string& out);
  bool Path(const Value& v, std::string& out);
  bool Regex(const Value& v, std::string& out);
  bool Payload(const Value& v, std::string& out);
  bool Command(const Value& v, std::vector<std::string>& out);
  bool StatusList(const Value& v, std::vector<StatusRange>& out);
  bool StatusItem(const Value& v, StatusRange& out);

  Diagnostics& d_;
  JsonPointer base_;  ///< Pointer of the tree's root in its file.
};

template <typename T>
void ConfigParser::GetInt(const Value& obj, std::string_view key, int64_t lo,
                          int64_t hi, T& out) {
  int64_t n = 0;
  if (const Value* v = obj.Find(key); v && Int(*v, lo, hi, n)) {
    out = static_cast<T>(n);
  }
}

template <typename E, size_t N>
bool ConfigParser::GetEnum(const Value& obj, std::string_view key,
                           const std::array<std::string_view, N>& names, E& out,
                           Origin* origin) {
  std::string text;
  const Value* v = obj.Find(key);
  if (!GetString(v, text)) return false;
  if (origin) *origin = OriginOf(*v);
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) {
      out = static_cast<E>(i);
      return true;
    }
  }
  Error(*v, "unknown " + std::string(key) + " " + json::Quote(text) + " " +
                Hint(text, names));
  return false;
}

}  // namespace lvsnft::parse_detail
