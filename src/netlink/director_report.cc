// Human report lines for a delta, grouped by service.
#include <algorithm>
#include <map>

#include "netlink/director.h"

namespace lvsnft::netlink {

namespace {

const char* KindSign(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAddTable:
    case ChangeKind::kAddSet:
    case ChangeKind::kAddChain:
    case ChangeKind::kAddElems:
    case ChangeKind::kAddRule:
      return "+";
    default:
      return "-";
  }
}

// Added elements, summarised per (service, real server).
void ElementLines(const Change& c, std::vector<ReportLine>& out) {
  std::map<std::pair<std::string, std::string>, size_t> per;
  size_t unattributed = 0;
  for (const auto& e : c.elements) {
    if (e.src) {
      per[{e.src->service, e.src->real_server}]++;
    } else {
      ++unattributed;
    }
  }
  char sign = KindSign(c.kind)[0];
  for (const auto& [k, n] : per) {
    std::string what =
        c.set + ": " + std::to_string(n) + " element" + (n == 1 ? "" : "s");
    if (!k.second.empty()) what += " for " + k.second;
    out.push_back({k.first, sign, what});
  }
  if (unattributed) {
    out.push_back({"", sign,
                   c.set + ": " + std::to_string(unattributed) + " element" +
                       (unattributed == 1 ? "" : "s")});
  }
}

}  // namespace

std::vector<ReportLine> DescribeDelta(const Delta& d) {
  std::vector<ReportLine> out;
  for (const auto& c : d.changes) {
    if (c.kind == ChangeKind::kAddElems || c.kind == ChangeKind::kDelElems) {
      ElementLines(c, out);
      continue;
    }
    out.push_back({c.service, KindSign(c.kind)[0], c.what});
  }
  // Stable grouping: director-level lines first, then by service name.
  std::stable_sort(out.begin(), out.end(),
                   [](const ReportLine& a, const ReportLine& b) {
                     return a.service < b.service;
                   });
  return out;
}

}  // namespace lvsnft::netlink
