// Human report lines for a delta, grouped by service.
#include <algorithm>
#include <map>
#include <tuple>

#include "director/director.h"

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

// Elements summarised per (service, real server). A replaced element (same
// key, new data) shows once, as '~', with its new owner.
void ElementLines(const Change& c, std::vector<ReportLine>& out) {
  std::map<std::tuple<std::string, std::string, char>, size_t> per;
  char sign = KindSign(c.kind)[0];
  // Elements of one owner come in runs: count runs, then merge them.
  const plan::Element* run_src = nullptr;
  char run_sign = 0;
  size_t run = 0;
  auto flush = [&] {
    if (run == 0) return;
    per[{run_src ? run_src->service : "", run_src ? run_src->real_server : "",
         run_sign}] += run;
    run = 0;
  };
  for (const auto& e : c.elements) {
    if (e.replaced && sign == '-') continue;
    char s = e.replaced ? '~' : sign;
    if (e.src != run_src || s != run_sign) {
      flush();
      run_src = e.src;
      run_sign = s;
    }
    ++run;
  }
  flush();
  for (const auto& [k, n] : per) {
    const auto& [service, rs, s] = k;
    std::string what =
        c.set + ": " + std::to_string(n) + " element" + (n == 1 ? "" : "s");
    if (s == '~') what += " now";
    if (!rs.empty()) what += " for " + rs;
    out.push_back({service, s, what});
  }
}

// Stale slots removed, per service whose block they are in (no real
// server: nothing reaches them any more).
void StaleLines(const Change& c, std::vector<ReportLine>& out) {
  std::map<std::string, size_t> per;
  for (const auto& e : c.elements) per[e.src ? e.src->service : ""]++;
  for (const auto& [service, n] : per) {
    out.push_back({service, '-',
                   c.set + ": " + std::to_string(n) + " stale slot" +
                       (n == 1 ? "" : "s") + " collected"});
  }
}

}  // namespace

std::vector<ReportLine> DeltaReport(const Delta& d) {
  std::vector<ReportLine> out;
  for (const auto& c : d.changes) {
    if (c.stale) {
      StaleLines(c, out);
    } else if (c.kind == ChangeKind::kAddElems ||
               c.kind == ChangeKind::kDelElems) {
      ElementLines(c, out);
    } else {
      out.push_back({c.service, KindSign(c.kind)[0], c.what});
    }
  }
  // Stable grouping: director-level lines first, then by service name.
  std::stable_sort(out.begin(), out.end(),
                   [](const ReportLine& a, const ReportLine& b) {
                     return a.service < b.service;
                   });
  return out;
}

}  // namespace lvsnft::netlink
