// Parsing of health_check objects and of the service's failure policy
// (on_failure, flush_conntrack, quorum, hysteresis, sorry_server,
// all_down). Rules that need the merged check of a real server or other
// parts of the config are in check_health.cc.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "config/config_names.h"
#include "config/config_parser.h"

namespace lvsnft::parse_detail {
namespace {

using std::chrono::milliseconds;

/// Runs `read` on member `key` of `obj` into a fresh `field` when the
/// member is present.
template <typename T, typename F>
void IfGiven(const Value& obj, std::string_view key, std::optional<T>& field,
             F read) {
  if (const Value* m = obj.Find(key)) read(*m, field.emplace());
}

/// What std::regex reported, by error code, in words that do not depend on
/// the library's message texts.
std::string RegexProblem(std::regex_constants::error_type code) {
  namespace rc = std::regex_constants;
  switch (code) {
    case rc::error_collate:
      return "invalid collating element or character class";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape or trailing backslash";
    case rc::error_backref:
      return "invalid back reference";
    case rc::error_brack:
      return "unmatched '['";
    case rc::error_paren:  // libstdc++ also reports "*a" so
      return "unmatched '(' or ')', or a '*', '+' or '?' that repeats "
             "nothing";
    case rc::error_brace:
      return "unmatched '{'";
    case rc::error_badbrace:
      return "invalid range in '{}'";
    case rc::error_range:
      return "invalid character range";
    case rc::error_badrepeat:
      return "'*', '+', '?' or '{' repeats nothing";
    default:
      return "too complex";
  }
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

}  // namespace

void ConfigParser::ParseHealthPolicy(const Value& v, Service& s) {
  HealthPolicy& p = s.health;
  p.flush_conntrack_origin = p.quorum_origin = p.hysteresis_origin =
      p.all_down_origin = OriginOf(v);
  if (const Value* h = v.Find("health_check")) {
    ParseHealthCheck(*h, s.health_check.emplace());
    if (h->type == Type::kObject) Require(*h, "type");
  }
  GetEnum(v, "on_failure", names::kOnFailure, p.on_failure);
  if (const Value* f = v.Find("flush_conntrack")) {
    p.flush_conntrack_origin = OriginOf(*f);
    GetBool(v, "flush_conntrack", p.flush_conntrack);
  }
  if (const Value* q = v.Find("quorum")) p.quorum_origin = OriginOf(*q);
  GetInt(v, "quorum", 0, UINT32_MAX, p.quorum);
  if (const Value* h = v.Find("hysteresis")) p.hysteresis_origin = OriginOf(*h);
  GetInt(v, "hysteresis", 0, UINT32_MAX, p.hysteresis);
  if (const Value* o = v.Find("sorry_server")) {
    ParseSorryServer(*o, p.sorry_server.emplace());
  }
  if (const Value* a = v.Find("all_down")) p.all_down_origin = OriginOf(*a);
  GetEnum(v, "all_down", names::kAllDown, p.all_down);
}

void ConfigParser::ParseSorryServer(const Value& v, SorryServer& out) {
  out.origin = out.address_origin = out.port_origin = OriginOf(v);
  if (!Object(v, "sorry_server")) return;
  ParseTarget(v, out.origin, out.address, out.address_origin, out.port,
              out.port_origin);
}

void ConfigParser::ParseHealthCheck(const Value& v, HealthCheckSpec& h) {
  h.origin = OriginOf(v);
  if (!Object(v, "health_check")) return;
  for (const auto& m : v.members())
    h.origins[std::string(m.key)] = OriginOf(m.value);
  IfGiven(v, "type", h.type, [&](const Value&, CheckType& t) {
    GetEnum(v, "type", names::kCheckTypes, t);
  });
  ParseHttpFields(v, h);
  ParseOtherFields(v, h);
}

void ConfigParser::ParseHttpFields(const Value& v, HealthCheckSpec& h) {
  auto path = [&](const Value& m, std::string& s) { Path(m, s); };
  auto host = [&](const Value& m, std::string& s) { HeaderText(m, "host", s); };
  auto sni = [&](const Value& m, std::string& s) { HeaderText(m, "sni", s); };
  auto regex = [&](const Value& m, std::string& s) { Regex(m, s); };
  IfGiven(v, "path", h.path, path);
  IfGiven(v, "host", h.host, host);
  IfGiven(v, "sni", h.sni, sni);
  IfGiven(v, "regex", h.regex, regex);
  IfGiven(v, "status", h.status, [&](const Value& m, auto& list) {
    list.clear();
    StatusList(m, list);
  });
  IfGiven(v, "verify", h.verify, [&](const Value& m, bool& b) {
    if (Is(m, Type::kBool)) b = m.boolean;
  });
  using File = std::pair<const char*, std::optional<std::string>*>;
  for (const File& f :
       {File{"ca_file", &h.ca_file}, File{"client_cert", &h.client_cert},
        File{"client_key", &h.client_key}}) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture
    // one in a lambda.
    const char* key = f.first;
    IfGiven(v, key, *f.second, [&](const Value& m, std::string& s) {
      if (GetString(&m, s) && !s.starts_with('/'))
        Error(m, std::string(key) + " " + json::Quote(s) +
                     " must be an absolute path");
    });
  }
  IfGiven(v, "payload", h.payload,
          [&](const Value& m, std::string& s) { Payload(m, s); });
  IfGiven(v, "expect", h.expect, regex);
  IfGiven(v, "command", h.command,
          [&](const Value& m, auto& argv) { Command(m, argv); });
}

void ConfigParser::ParseOtherFields(const Value& v, HealthCheckSpec& h) {
  auto seconds = [&](const Value& m, milliseconds& d) { Seconds(m, d); };
  IfGiven(v, "interval", h.interval, seconds);
  IfGiven(v, "timeout", h.timeout, seconds);
  IfGiven(v, "fast_interval", h.fast_interval, seconds);
  auto count = [&](const Value& m, uint32_t& n) {
    int64_t i = 0;
    if (Int(m, 1, 100, i)) n = static_cast<uint32_t>(i);
  };
  IfGiven(v, "rise", h.rise, count);
  IfGiven(v, "fall", h.fall, count);
  IfGiven(v, "initial_state", h.initial_state,
          [&](const Value&, InitialState& s) {
            GetEnum(v, "initial_state", names::kInitialStates, s);
          });
  IfGiven(v, "address", h.address,
          [&](const Value& m, IpAddr& a) { Address(&m, a); });
  IfGiven(v, "port", h.port, [&](const Value& m, uint16_t& port) {
    int64_t n = 0;
    if (Int(m, 1, 65535, n)) port = static_cast<uint16_t>(n);
  });
}

bool ConfigParser::Seconds(const Value& v, milliseconds& out) {
  if (!Is(v, Type::kNumber, "a number of seconds")) return false;
  double s = 0;
  auto [end, ec] =
      std::from_chars(v.text.data(), v.text.data() + v.text.size(), s);
  if (ec != std::errc() || !(s > 0 && s <= 3600)) {
    Error(v, std::string(v.text.substr(0, 40)) +
                 " is out of range: expected more than 0 and at most 3600 "
                 "seconds");
    return false;
  }
  out = milliseconds(static_cast<int64_t>(std::ceil(s * 1000)));
  return true;
}

bool ConfigParser::HeaderText(const Value& v, std::string_view key,
                              std::string& out) {
  if (!GetString(&v, out)) return false;
  bool bad = std::any_of(out.begin(), out.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
  });
  if (out.empty() || bad) {
    Error(v, std::string(key) + " " + json::Quote(out) +
                 " must be non-empty, without whitespace or control "
                 "characters");
    return false;
  }
  return true;
}

bool ConfigParser::Path(const Value& v, std::string& out) {
  if (!HeaderText(v, "path", out)) return false;
  if (out[0] == '/') return true;
  Error(v, "path " + json::Quote(out) + " must start with '/'");
  return false;
}

bool ConfigParser::Regex(const Value& v, std::string& out) {
  if (!GetString(&v, out)) return false;
  try {
    std::regex(out, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    Error(v, "invalid regular expression " + json::Quote(out) + ": " +
                 RegexProblem(e.code()));
    return false;
  }
  return true;
}

bool ConfigParser::Payload(const Value& v, std::string& out) {
  std::string text;
  if (!GetString(&v, text)) return false;
  if (!text.starts_with("hex:")) {
    out = text;
    return true;
  }
  std::string_view hex = std::string_view(text).substr(4);
  if (hex.size() % 2 || !std::all_of(hex.begin(), hex.end(), IsHexDigit)) {
    Error(v, "invalid payload " + json::Quote(text) +
                 ": expected pairs of hex digits after \"hex:\"");
    return false;
  }
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned byte = 0;
    std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
    out.push_back(static_cast<char>(byte));
  }
  return true;
}

bool ConfigParser::Command(const Value& v, std::vector<std::string>& out) {
  if (!Is(v, Type::kArray, "an array of strings (program and arguments)")) {
    return false;
  }
  if (v.items().empty()) {
    Error(v, "command must name a program");
    return false;
  }
  bool ok = true;
  for (const Value& item : v.items()) {
    ok = GetString(&item, out.emplace_back()) && ok;
  }
  if (ok && !out[0].starts_with('/')) {
    Error(v.items()[0], "program " + json::Quote(out[0]) +
                            " must be an absolute path (exec checks run "
                            "without a shell or PATH search)");
    return false;
  }
  return ok;
}

bool ConfigParser::StatusList(const Value& v, std::vector<StatusRange>& out) {
  if (v.type != Type::kArray) {
    return StatusItem(v, out.emplace_back());
  }
  if (v.items().empty()) {
    Error(v, "status must list at least one code or range");
    return false;
  }
  bool ok = true;
  for (const Value& item : v.items())
    ok = StatusItem(item, out.emplace_back()) && ok;
  return ok;
}

bool ConfigParser::StatusItem(const Value& v, StatusRange& out) {
  int64_t n = 0;
  if (v.type != Type::kString) {
    if (!Is(v, Type::kNumber, "a status code or a \"FIRST-LAST\" string") ||
        !Int(v, 100, 599, n)) {
      return false;
    }
    out.first = out.last = static_cast<uint16_t>(n);
    return true;
  }
  uint32_t codes[2] = {0, 0};
  if (!RangeText(v, "status", "CODE", 100, 599, codes)) return false;
  out.first = static_cast<uint16_t>(codes[0]);
  out.last = static_cast<uint16_t>(codes[1]);
  return true;
}

}  // namespace lvsnft::parse_detail
