// Human report lines for a delta, grouped by service.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_set>

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

// Who an element line is about: service, real server and sign.
using OwnerKey = std::tuple<std::string_view, std::string_view, char>;

// Elements summarised per (service, real server). A replaced element (same
// key, new data) shows once, as '~', with its new owner. Elements of one
// owner come in runs: `add(key, n)` is called once per run (keys repeat).
template <typename Add>
void ElementRuns(const Change& c, Add add) {
  char sign = KindSign(c.kind)[0];
  ElementOrigin run_src;
  char run_sign = 0;
  size_t run = 0;
  auto flush = [&] {
    if (run == 0) return;
    add(OwnerKey{run_src.service(), run_src.real_server(), run_sign}, run);
    run = 0;
  };
  for (const auto& e : c.Elements()) {
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
}

void ElementLines(const Change& c, std::vector<ReportLine>& out) {
  std::map<OwnerKey, size_t> per;
  ElementRuns(c, [&](const OwnerKey& k, size_t n) { per[k] += n; });
  for (const auto& [k, n] : per) {
    const auto& [service, rs, s] = k;
    std::string what =
        c.set + ": " + std::to_string(n) + " element" + (n == 1 ? "" : "s");
    if (s == '~') what += " now";
    if (!rs.empty()) what += " for " + std::string(rs);
    out.push_back({std::string(service), s, what});
  }
}

struct OwnerHash {
  size_t operator()(const OwnerKey& k) const {
    std::hash<std::string_view> h;
    return h(std::get<0>(k)) * 31 + h(std::get<1>(k)) * 7 + std::get<2>(k);
  }
};

// Counts lines as they are added (see CountReport). Past `limit` lines
// the total is no longer needed exactly: service lines are then only
// told apart by service (no set of every line's key), director lines are
// still counted exactly.
class LineCounter {
 public:
  explicit LineCounter(size_t limit) : limit_(limit) {}
  void Line(std::string_view service, bool host) {
    ++n_.lines;
    if (!service.empty()) {
      Service(service);
    } else {
      ++(host ? n_.director_host : n_.director_nft);
    }
  }
  void AddChange(const Change& c) {
    std::unordered_set<OwnerKey, OwnerHash> keys;
    auto key = [&](const OwnerKey& k) {
      if (!std::get<0>(k).empty() && n_.lines > limit_) {
        Service(std::get<0>(k));
      } else if (keys.insert(k).second) {
        Line(std::get<0>(k), false);
      }
    };
    if (c.stale) {
      for (const auto& e : c.elements) key({e.src.service(), "", '-'});
    } else if (c.kind == ChangeKind::kAddElems ||
               c.kind == ChangeKind::kDelElems) {
      ElementRuns(c, [&](const OwnerKey& k, size_t) { key(k); });
    } else {
      Line(c.service, false);
    }
  }
  ReportCounts Done() {
    n_.services = services_.size();
    return n_;
  }

 private:
  // Lines of one service mostly come one after another.
  void Service(std::string_view service) {
    if (service == last_) return;
    last_ = service;
    services_.insert(service);
  }
  size_t limit_;
  ReportCounts n_;
  std::unordered_set<std::string_view> services_;
  std::string_view last_;
};

// Stale slots removed, per service whose block they are in (no real
// server: nothing reaches them any more).
void StaleLines(const Change& c, std::vector<ReportLine>& out) {
  std::map<std::string, size_t> per;
  for (const auto& e : c.elements) per[std::string(e.src.service())]++;
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

ReportCounts CountReport(const Delta& d, const std::vector<HostChange>& host,
                         size_t limit) {
  LineCounter n(limit);
  for (const auto& c : d.changes) n.AddChange(c);
  for (const auto& h : host) n.Line(h.service, true);
  return n.Done();
}

ReportCounts CountLines(const std::vector<ReportLine>& lines) {
  LineCounter n(SIZE_MAX);
  for (const auto& l : lines) n.Line(l.service, l.host);
  return n.Done();
}

}  // namespace lvsnft::netlink
