#include "config/reread.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <unordered_map>

#include "base/timing.h"
#include "config/check.h"
#include "config/config_parser.h"
#include "config/json.h"
#include "config/origins.h"
#include "config/warn.h"

namespace lvsnft {
namespace {

JsonPointer EntryPointer(size_t i) {
  JsonPointer p;
  p.AppendKey("services");
  p.AppendIndex(i);
  return p;
}

/// The spans of an old and a new text whose parts outside the services
/// arrays are byte-equal.
class SpanPair {
 public:
  /// False when a text has no services array the scan finds, the old one
  /// does not hold `count` entries, or the texts differ outside it.
  bool Scan(std::string_view old_text, std::string_view text,
            const ServiceSpans* old_spans, size_t count);
  const ServiceSpans& was() const { return old_ ? *old_ : *scanned_; }
  ServiceSpans now;
  /// The entries of `now` that can differ from `was` at their index
  /// (RescanServices' part scanned again; all after a full scan).
  std::pair<size_t, size_t> changed{0, SIZE_MAX};

 private:
  std::optional<ServiceSpans> scanned_;
  const ServiceSpans* old_ = nullptr;
};

bool SpanPair::Scan(std::string_view old_text, std::string_view text,
                    const ServiceSpans* old_spans, size_t count) {
  old_ = old_spans;
  if (!old_) scanned_ = ScanServices(old_text);
  if (!old_ && !scanned_) return false;
  // Most of the text is the old one: only the changed part is scanned.
  auto found = RescanServices(old_text, was(), text, &changed);
  if (!found) {
    changed = {0, SIZE_MAX};
    found = ScanServices(text);
  }
  if (!found || was().items.size() != count) return false;
  now = std::move(*found);
  const ServiceSpans& w = was();
  return old_text.substr(0, w.begin) == text.substr(0, now.begin) &&
         old_text.substr(w.end) == text.substr(now.end);
}

/// The lines the director moved by (written after the services array,
/// whose end moved); nullopt when its columns would change too.
std::optional<int> DirectorMoves(std::string_view old_text,
                                 const ServiceSpans& was, std::string_view text,
                                 const ServiceSpans& now, const Director& d) {
  // Members after the array have quotes; only then is the end located.
  if (old_text.find('"', was.end) == old_text.npos) return 0;
  SourceLoc a = LocateOffset(old_text, was.end - 1),
            b = LocateOffset(text, now.end - 1);
  const SourceLoc& at = d.origin.loc;
  bool after = at.line > a.line || (at.line == a.line && at.col > a.col);
  if (!after || (a.line == b.line && a.col == b.col)) return 0;
  if (a.col != b.col) return std::nullopt;
  return b.line - a.line;
}

/// Builds the new services from the old ones and the changed entries.
class Assembler {
 public:
  Assembler(const ServiceSpans& was, const Config& old_cfg,
            const ServiceSpans& now, Diagnostics& found)
      : was_(was), old_(old_cfg), now_(now), found_(found) {}
  /// Service `j` of the new text into `out`; false on an error.
  bool Take(size_t j, Service& out, Reread& r);

 private:
  std::optional<size_t> Match(size_t j);

  const ServiceSpans& was_;
  const Config& old_;
  const ServiceSpans& now_;
  Diagnostics& found_;
  std::unordered_map<std::string_view, size_t> by_text_;
};

std::optional<size_t> Assembler::Match(size_t j) {
  if (j < was_.items.size() && was_.items[j] == now_.items[j]) return j;
  if (by_text_.empty()) {
    for (size_t k = 0; k < was_.items.size(); ++k)
      by_text_.emplace(was_.items[k], k);
  }
  auto it = by_text_.find(now_.items[j]);
  if (it == by_text_.end()) return std::nullopt;
  return it->second;
}

bool Assembler::Take(size_t j, Service& out, Reread& r) {
  auto k = Match(j);
  if (k && was_.starts[*k].col == now_.starts[j].col) {
    out = old_.services[*k];
    r.in_place = r.in_place && *k == j;
    int lines = now_.starts[j].line - was_.starts[*k].line;
    if (*k != j || lines != 0)
      MoveOrigins(out, EntryPointer(*k), EntryPointer(j), lines);
    return true;
  }
  // ParseAt would take a byte order mark there as the start of a text.
  if (now_.items[j].starts_with("\xEF\xBB\xBF")) return false;
  ++r.parsed;
  r.parsed_at.push_back(j);
  size_t before = found_.items().size();
  // The entry lies at depth 2 of the file (root object, services array).
  auto doc = json::ParseAt(now_.items[j], now_.starts[j], 2, found_);
  if (!doc) return false;
  parse_detail::ConfigParser(found_).ParseServiceAt(doc->root(),
                                                    EntryPointer(j), out);
  return found_.items().size() == before;
}

/// Parses the entries of `now` that differ from `was` at the same index
/// (or moved within their line) into `p`, and notes the lines the others
/// moved. False at the first problem, or when a parsed entry names another
/// service than `cfg` holds at its index.
bool ParseChanged(const SpanPair& pair, const Config& cfg, Diagnostics& found,
                  RereadPatch& p) {
  const ServiceSpans &was = pair.was(), &now = pair.now;
  auto [first, last] = pair.changed;
  parse_detail::ConfigParser parser(found);
  for (size_t j = 0; j < now.items.size(); ++j) {
    int lines = now.starts[j].line - was.starts[j].line;
    bool equal = j < first || j >= last || was.items[j] == now.items[j];
    if (was.starts[j].col == now.starts[j].col && equal) {
      if (lines != 0) p.moves.emplace_back(j, lines);
      continue;
    }
    if (now.items[j].starts_with("\xEF\xBB\xBF")) return false;
    auto doc = json::ParseAt(now.items[j], now.starts[j], 2, found);
    if (!doc) return false;
    Service s;
    parser.ParseServiceAt(doc->root(), EntryPointer(j), s);
    if (found.HasErrors() || s.name != cfg.services[j].name) return false;
    p.at.push_back(j);
    p.services.push_back(std::move(s));
  }
  return true;
}

/// Counts the services of the config `p` makes of `cfg` whose checks read
/// files (from `known`, `cfg`'s count, when given) into p.reading_files;
/// true when CheckConfigAt may check that config.
bool CheckAtApplies(const Config& cfg, RereadPatch& p,
                    std::optional<size_t> known) {
  size_t was = known ? *known
                     : std::count_if(cfg.services.begin(), cfg.services.end(),
                                     ChecksReadFiles);
  bool keys = p.at.size() <= 64;  // past that the full check costs as much
  for (size_t k = 0; k < p.at.size(); ++k) {
    was -= ChecksReadFiles(cfg.services[p.at[k]]);
    was += ChecksReadFiles(p.services[k]);
    keys = keys && KeepsCrossServiceKeys(cfg.services[p.at[k]], p.services[k]);
  }
  p.reading_files = was;
  return keys && was == 0;
}

}  // namespace

void RereadPatch::Swap(Config& cfg) {
  for (size_t k = 0; k < at.size(); ++k)
    std::swap(cfg.services[at[k]], services[k]);
  int sign = applied ? -1 : 1;
  for (auto [i, lines] : moves) MoveLines(cfg.services[i], sign * lines);
  MoveLines(cfg.director, sign * director_lines);
  applied = !applied;
}

int RereadPatch::LinesMoved(size_t i) const {
  auto it = std::lower_bound(moves.begin(), moves.end(),
                             std::pair<size_t, int>(i, INT_MIN));
  return it != moves.end() && it->first == i ? it->second : 0;
}

std::optional<Reread> RereadConfig(std::string_view old_text,
                                   const Config& old_cfg, std::string_view text,
                                   Diagnostics& diags,
                                   const ServiceSpans* old_spans) {
  // Values take a byte each at least: under this size the full read's
  // value limit cannot be what rejects the text.
  if (text.size() > json::kMaxValues) return std::nullopt;
  PhaseTimer scan("reread scan");
  SpanPair pair;
  if (!pair.Scan(old_text, text, old_spans, old_cfg.services.size()))
    return std::nullopt;
  const ServiceSpans* was = &pair.was();
  ServiceSpans* now = &pair.now;
  auto director_lines =
      DirectorMoves(old_text, *was, text, *now, old_cfg.director);
  if (!director_lines) return std::nullopt;
  scan.Done();
  PhaseTimer assemble("reread build");
  Reread out;
  out.in_place = now->items.size() == was->items.size();
  out.config.version = old_cfg.version;
  out.config.director = old_cfg.director;
  MoveLines(out.config.director, *director_lines);
  out.config.services.resize(now->items.size());
  Diagnostics found(diags.file());
  Assembler a(*was, old_cfg, *now, found);
  for (size_t j = 0; j < now->items.size(); ++j)
    if (!a.Take(j, out.config.services[j], out)) return std::nullopt;
  assemble.Done();
  PhaseTimer check("reread check");
  CheckConfig(out.config, found);
  if (found.HasErrors()) return std::nullopt;
  WarnConfig(out.config, found);
  for (const auto& w : found.warnings())
    diags.Warning(w.loc, w.pointer, w.message);
  out.spans = std::move(*now);
  return out;
}

std::optional<RereadPatch> RereadInPlace(std::string_view old_text, Config& cfg,
                                         std::string_view text,
                                         Diagnostics& diags,
                                         const ServiceSpans* old_spans,
                                         std::optional<size_t> reading_files) {
  if (text.size() > json::kMaxValues) return std::nullopt;  // as above
  PhaseTimer scan("reread scan");
  SpanPair pair;
  if (!pair.Scan(old_text, text, old_spans, cfg.services.size()) ||
      pair.now.items.size() != cfg.services.size())
    return std::nullopt;
  RereadPatch p;
  auto director_lines =
      DirectorMoves(old_text, pair.was(), text, pair.now, cfg.director);
  if (!director_lines) return std::nullopt;
  p.director_lines = *director_lines;
  scan.Done();
  PhaseTimer parse("reread parse");
  Diagnostics found(diags.file());
  if (!ParseChanged(pair, cfg, found, p)) return std::nullopt;
  parse.Done();
  PhaseTimer check("reread check");
  bool at_only = CheckAtApplies(cfg, p, reading_files);
  p.applied = false;
  p.Swap(cfg);
  if (at_only) {
    CheckConfigAt(cfg, p.at, found);
  } else {
    CheckConfig(cfg, found);
  }
  if (found.HasErrors()) {
    p.Swap(cfg);
    return std::nullopt;
  }
  WarnConfigAt(cfg, p.at, found);
  for (const auto& w : found.warnings())
    diags.Warning(w.loc, w.pointer, w.message);
  p.spans = std::move(pair.now);
  return p;
}

}  // namespace lvsnft
