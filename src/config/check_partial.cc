// CheckParsedParts: the semantic checks of a config that did not parse
// cleanly, so that one run reports every problem (a bad netmask does not
// hide a duplicate name). Values the parser rejected keep their defaults,
// so what they touch is left out: a service whose VIP, protocol or mode
// (or the object itself) was rejected, a real server with any error, and
// every check finding located inside a rejected value or at a value that
// holds one.
#include <algorithm>

#include "config/check.h"

namespace lvsnft {
namespace {

/// True when `pointer` is `bad` or lies inside it. The root ("") holds
/// only its own errors (a missing "version" says nothing of services).
bool Inside(const std::string& pointer, const std::string& bad) {
  if (bad.empty()) return pointer.empty();
  return pointer == bad || pointer.starts_with(bad + "/");
}

bool AnyInside(const std::vector<std::string>& bad, const std::string& p) {
  return std::any_of(bad.begin(), bad.end(),
                     [&](const std::string& b) { return Inside(b, p); });
}

/// True when the parser rejected something the cross-service checks
/// read: the service object, its VIP, protocol or mode.
bool ServiceBroken(const Service& s, const std::vector<std::string>& bad) {
  const std::string& at = s.origin.pointer;
  if (at.empty()) return true;  // not an object
  return std::any_of(bad.begin(), bad.end(), [&](const std::string& b) {
    return b == at || Inside(b, at + "/vip") || Inside(b, at + "/protocol") ||
           Inside(b, at + "/mode");
  });
}

}  // namespace

void CheckParsedParts(const Config& parsed, Diagnostics& diags, size_t from) {
  std::vector<std::string> bad;
  for (size_t i = from; i < diags.items().size(); ++i)
    bad.push_back(diags.items()[i].pointer);
  Config cfg = parsed;
  std::erase_if(cfg.services,
                [&](const Service& s) { return ServiceBroken(s, bad); });
  for (auto& s : cfg.services) {
    std::erase_if(s.real_servers, [&](const RealServer& rs) {
      return rs.origin.pointer.empty() || AnyInside(bad, rs.origin.pointer);
    });
  }
  Diagnostics found(diags.file());
  CheckConfig(cfg, found);
  for (const auto& d : found.items()) {
    // Inside a rejected value, or about a value holding one ("ports must
    // not be empty" when every port was rejected); the root is too broad.
    bool suppressed = std::any_of(bad.begin(), bad.end(), [&](auto& b) {
      return Inside(d.pointer, b) ||
             (!d.pointer.empty() && Inside(b, d.pointer));
    });
    if (!suppressed) diags.Error(d.loc, d.pointer, d.message);
  }
}

}  // namespace lvsnft
