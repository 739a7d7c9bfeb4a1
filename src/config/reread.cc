#include "config/reread.h"

#include <array>
#include <cstring>
#include <unordered_map>

#include "base/timing.h"
#include "config/check.h"
#include "config/config_parser.h"
#include "config/json.h"
#include "config/origins.h"
#include "config/warn.h"

namespace lvsnft {
namespace {

/// Finds the services array by the structure of the text alone: strings
/// and brackets are skipped, nothing is decoded or checked. What it gets
/// wrong on invalid JSON is caught later: changed entries are parsed for
/// real, and the rest must equal a text that was valid.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  std::optional<ServiceSpans> Run();

 private:
  bool At(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void Space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n'))
      ++pos_;
  }
  bool String();
  bool Skip();
  bool Services(ServiceSpans& out);
  void Locate(ServiceSpans& out) const;

  std::string_view s_;
  size_t pos_ = 0;
};

bool Scanner::String() {
  for (++pos_;;) {  // from quote to quote: the escapes decide which ends it
    const char* q = static_cast<const char*>(
        std::memchr(s_.data() + pos_, '"', s_.size() - pos_));
    if (!q) return false;
    size_t end = static_cast<size_t>(q - s_.data()), slashes = 0;
    while (end - slashes > pos_ && s_[end - slashes - 1] == '\\') ++slashes;
    pos_ = end + 1;
    if (slashes % 2 == 0) return true;
  }
}

bool Scanner::Skip() {
  if (At('"')) return String();
  if (!At('{') && !At('[')) {  // a number or a literal
    size_t start = pos_;
    while (pos_ < s_.size() && !std::strchr(",]} \t\n", s_[pos_])) ++pos_;
    return pos_ > start;
  }
  // Only quotes and brackets matter inside a container.
  static const auto kStop = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("\"{}[]")) t[c] = true;
    return t;
  }();
  int depth = 0;
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (!kStop[static_cast<uint8_t>(c)]) {
      ++pos_;
      continue;
    }
    if (c == '"') {
      if (!String()) return false;
      continue;
    }
    ++pos_;
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return true;
  }
  return false;
}

bool Scanner::Services(ServiceSpans& out) {
  out.begin = pos_++;
  Space();
  while (!At(']')) {
    size_t start = pos_;
    if (!Skip()) return false;
    out.items.push_back(s_.substr(start, pos_ - start));
    Space();
    if (At(',')) {
      ++pos_;
      Space();
      if (At(']')) return false;  // trailing comma
    } else if (!At(']')) {
      return false;
    }
  }
  out.end = ++pos_;
  return true;
}

void Scanner::Locate(ServiceSpans& out) const {
  size_t from = 0;
  int line = 1;
  for (std::string_view item : out.items) {
    size_t at = static_cast<size_t>(item.data() - s_.data());
    for (const char* p = s_.data() + from;
         (p = static_cast<const char*>(
              std::memchr(p, '\n', static_cast<size_t>(item.data() - p))));
         ++p)
      ++line;
    size_t nl = s_.rfind('\n', at);
    size_t bol = nl == s_.npos ? 0 : nl + 1;
    int col = 1;
    for (size_t i = bol; i < at; ++i)  // characters, as json.cc counts
      col += (static_cast<uint8_t>(s_[i]) & 0xc0) != 0x80;
    out.starts.push_back({line, col});
    from = at;
  }
}

std::optional<ServiceSpans> Scanner::Run() {
  if (s_.find('\r') != s_.npos) return std::nullopt;
  if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  Space();
  if (!At('{')) return std::nullopt;
  ++pos_;
  for (;;) {
    Space();
    size_t key = pos_;
    if (!At('"') || !String()) return std::nullopt;
    std::string_view name = s_.substr(key + 1, pos_ - key - 2);
    if (name.find('\\') != name.npos) return std::nullopt;
    Space();
    if (!At(':')) return std::nullopt;
    ++pos_;
    Space();
    if (name == "services") {
      ServiceSpans out;
      if (!At('[') || !Services(out)) return std::nullopt;
      Locate(out);
      return out;
    }
    if (!Skip()) return std::nullopt;
    Space();
    if (!At(',')) return std::nullopt;  // '}': no services
    ++pos_;
  }
}

JsonPointer EntryPointer(size_t i) {
  JsonPointer p;
  p.AppendKey("services");
  p.AppendIndex(i);
  return p;
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

}  // namespace

std::optional<ServiceSpans> ScanServices(std::string_view text) {
  return Scanner(text).Run();
}

std::optional<Reread> RereadConfig(std::string_view old_text,
                                   const Config& old_cfg, std::string_view text,
                                   Diagnostics& diags,
                                   const ServiceSpans* old_spans) {
  // Values take a byte each at least: under this size the full read's
  // value limit cannot be what rejects the text.
  if (text.size() > json::kMaxValues) return std::nullopt;
  PhaseTimer scan("reread scan");
  std::optional<ServiceSpans> scanned;
  if (!old_spans) scanned = ScanServices(old_text);
  const ServiceSpans* was = old_spans ? old_spans
                            : scanned ? &*scanned
                                      : nullptr;
  auto now = ScanServices(text);
  if (!was || !now || was->items.size() != old_cfg.services.size())
    return std::nullopt;
  if (old_text.substr(0, was->begin) != text.substr(0, now->begin) ||
      old_text.substr(was->end) != text.substr(now->end))
    return std::nullopt;
  scan.Done();
  PhaseTimer assemble("reread build");
  Reread out;
  out.in_place = now->items.size() == was->items.size();
  out.config.version = old_cfg.version;
  out.config.director = old_cfg.director;
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

}  // namespace lvsnft
