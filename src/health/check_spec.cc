#include "health/check_spec.h"

#include <regex>

namespace lvsnft::health {
namespace {

bool RegexOk(const std::string& re) {
  try {
    std::regex compiled(re);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

Status CheckTiming(const CheckSpec& s) {
  if (s.interval.count() <= 0) return Status::Error("interval must be > 0");
  if (s.timeout.count() <= 0) return Status::Error("timeout must be > 0");
  if (s.fast_interval.count() < 0)
    return Status::Error("fast_interval must be >= 0");
  if (s.rise < 1) return Status::Error("rise must be >= 1");
  if (s.fall < 1) return Status::Error("fall must be >= 1");
  return Status();
}

Status CheckHttp(const CheckSpec& s) {
  if (s.path.empty() || s.path[0] != '/')
    return Status::Error("path must start with '/'");
  for (const auto& [lo, hi] : s.status)
    if (lo < 100 || hi > 599 || lo > hi)
      return Status::Error("status range " + std::to_string(lo) + "-" +
                           std::to_string(hi) + " is not within 100-599");
  if (!RegexOk(s.body_regex)) return Status::Error("invalid body regex");
  if (s.client_cert.empty() != s.client_key.empty())
    return Status::Error("client_cert and client_key go together");
  return Status();
}

}  // namespace

Status Validate(const CheckSpec& s) {
  if (Status st = CheckTiming(s); !st.ok()) return st;
  if (s.type == CheckType::kExec) {
    if (s.argv.empty() || s.argv[0].empty())
      return Status::Error("exec needs a program");
    return Status();
  }
  if (s.port == 0) return Status::Error("port must be 1-65535");
  if (s.type == CheckType::kHttp || s.type == CheckType::kHttps)
    return CheckHttp(s);
  if (s.type == CheckType::kUdp && !RegexOk(s.expect_regex))
    return Status::Error("invalid expect regex");
  return Status();
}

const char* TypeName(CheckType t) {
  switch (t) {
    case CheckType::kTcp:
      return "tcp";
    case CheckType::kHttp:
      return "http";
    case CheckType::kHttps:
      return "https";
    case CheckType::kUdp:
      return "udp";
    case CheckType::kExec:
      return "exec";
  }
  return "?";
}

const char* StateName(State s) { return s == State::kUp ? "UP" : "DOWN"; }

std::string Describe(const CheckSpec& s) {
  std::string out = TypeName(s.type);
  if (s.type == CheckType::kExec) {
    for (const std::string& a : s.argv) out += " " + a;
    return out;
  }
  std::string addr = s.address.ToString();
  if (s.address.family == IpFamily::kV6) addr = "[" + addr + "]";
  out += " " + addr + ":" + std::to_string(s.port);
  if (s.type == CheckType::kHttp || s.type == CheckType::kHttps) out += s.path;
  return out;
}

}  // namespace lvsnft::health
