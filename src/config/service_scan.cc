// Where the entries of a config's "services" array lie: a scan of the
// text's structure (no values are read), and a re-scan of a text that
// differs from one already scanned in a few entries, which scans only the
// bytes around the difference.
#include <algorithm>
#include <array>
#include <cstring>

#include "config/json_utf8.h"
#include "config/reread.h"

namespace lvsnft {
namespace {

using json::ColumnAt;
using json::CountLines;

/// Finds the services array by the structure of the text alone: strings
/// and brackets are skipped, nothing is decoded or checked. What it gets
/// wrong on invalid JSON is caught later: changed entries are parsed for
/// real, and the rest must equal a text that was valid.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  std::optional<ServiceSpans> Run();
  /// Scans entries from `from`, just past an entry (or, when
  /// `!after_item`, at the array's '['), to `to`, where an entry or the
  /// array's ']' must start; appends their texts to `items`.
  bool Resume(size_t from, bool after_item, size_t to,
              std::vector<std::string_view>& items);
  /// Appends where each of `items` starts to `starts`, counting lines
  /// from `line` at offset `from`.
  void Locate(const std::vector<std::string_view>& items, size_t from, int line,
              std::vector<SourceLoc>& starts) const;

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
  /// After an entry: past its ',' (false at a trailing one) or at ']'.
  bool Separator();

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

void Scanner::Locate(const std::vector<std::string_view>& items, size_t from,
                     int line, std::vector<SourceLoc>& starts) const {
  for (std::string_view item : items) {
    size_t at = static_cast<size_t>(item.data() - s_.data());
    line += CountLines(s_.substr(from, at - from));
    starts.push_back({line, ColumnAt(s_, at)});
    from = at;
  }
}

bool Scanner::Separator() {
  Space();
  if (!At(',')) return At(']');
  ++pos_;
  Space();
  return !At(']');  // a trailing comma
}

bool Scanner::Resume(size_t from, bool after_item, size_t to,
                     std::vector<std::string_view>& items) {
  pos_ = from;
  if (after_item) {
    if (!Separator()) return false;
  } else {
    ++pos_;
    Space();
  }
  // Each step starts where the full scan's loop starts one: the state is
  // the position alone, so reaching `to` continues as the full scan did.
  while (pos_ < to && !At(']')) {
    size_t start = pos_;
    if (!Skip()) return false;
    items.push_back(s_.substr(start, pos_ - start));
    if (!Separator()) return false;
  }
  return pos_ == to;
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
      Locate(out.items, 0, 1, out.starts);
      return out;
    }
    if (!Skip()) return std::nullopt;
    Space();
    if (!At(',')) return std::nullopt;  // '}': no services
    ++pos_;
  }
}

/// The length of the common start of `a` and `b` (blocks by memcmp).
size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  constexpr size_t kBlock = 4096;
  while (i + kBlock <= n &&
         std::memcmp(a.data() + i, b.data() + i, kBlock) == 0)
    i += kBlock;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

/// The length of the common end of `a` and `b`, at most `limit`.
size_t CommonSuffix(std::string_view a, std::string_view b, size_t limit) {
  size_t i = 0;
  constexpr size_t kBlock = 4096;
  while (i + kBlock <= limit &&
         std::memcmp(a.data() + a.size() - i - kBlock,
                     b.data() + b.size() - i - kBlock, kBlock) == 0)
    i += kBlock;
  while (i < limit && a[a.size() - 1 - i] == b[b.size() - 1 - i]) ++i;
  return i;
}

/// RescanServices once the changed bytes are known: old [p, q) became new
/// [p, q + delta).
class Rescan {
 public:
  Rescan(std::string_view old_text, const ServiceSpans& was,
         std::string_view text)
      : old_(old_text), was_(was), new_(text) {}
  std::optional<ServiceSpans> Run(size_t p, size_t q);
  /// The new indexes of the entries Run scanned again.
  std::pair<size_t, size_t> scanned;

 private:
  size_t Offset(size_t k) const {
    return static_cast<size_t>(was_.items[k].data() - old_.data());
  }
  size_t End(size_t k) const { return Offset(k) + was_.items[k].size(); }
  /// Appends entries `from`.. of the old text, moved by `delta`.
  bool Tail(size_t from, size_t to_old, ptrdiff_t delta, int lines,
            ServiceSpans& out) const;

  std::string_view old_;
  const ServiceSpans& was_;
  std::string_view new_;
};

bool Rescan::Tail(size_t from, size_t to_old, ptrdiff_t delta, int lines,
                  ServiceSpans& out) const {
  // An entry on the line where the scanned part ends may change column.
  size_t nl = old_.find('\n', to_old);
  int recounted = 0;
  for (size_t k = from; k < was_.items.size(); ++k) {
    size_t at = Offset(k) + delta;
    out.items.push_back(new_.substr(at, was_.items[k].size()));
    SourceLoc loc = was_.starts[k];
    loc.line += lines;
    if (nl == old_.npos || Offset(k) < nl) {
      if (++recounted > 16) return false;  // one long line: scan it all
      loc.col = ColumnAt(new_, at);
    }
    out.starts.push_back(loc);
  }
  return true;
}

std::optional<ServiceSpans> Rescan::Run(size_t p, size_t q) {
  const size_t n = was_.items.size();
  const ptrdiff_t delta =
      static_cast<ptrdiff_t>(new_.size()) - static_cast<ptrdiff_t>(old_.size());
  // The change must lie between the array's '[' and ']'.
  if (n == 0 || p <= was_.begin || q >= was_.end) return std::nullopt;
  if (std::memchr(new_.data() + p, '\r', q + delta - p)) return std::nullopt;
  // The entries from the first that ends at or past p (its end may have
  // grown) to the last that starts at or before q are scanned again.
  size_t a = 0, z = 0;
  while (a < n && End(a) < p) ++a;
  z = a;
  while (z < n && Offset(z) <= q) ++z;
  size_t from = a > 0 ? End(a - 1) : was_.begin;
  size_t to_old = z < n ? Offset(z) : was_.end - 1;
  ServiceSpans out;
  out.begin = was_.begin;
  out.end = was_.end + delta;
  for (size_t k = 0; k < a; ++k)
    out.items.push_back(new_.substr(Offset(k), was_.items[k].size()));
  out.starts.assign(was_.starts.begin(), was_.starts.begin() + a);
  std::vector<std::string_view> mid;
  Scanner scan(new_);
  if (!scan.Resume(from, a > 0, to_old + delta, mid)) return std::nullopt;
  if (a > 0)
    scan.Locate(mid, Offset(a - 1), was_.starts[a - 1].line, out.starts);
  else
    scan.Locate(mid, 0, 1, out.starts);
  out.items.insert(out.items.end(), mid.begin(), mid.end());
  scanned = {a, a + mid.size()};
  int lines = static_cast<int>(
      std::count(new_.begin() + from, new_.begin() + to_old + delta, '\n') -
      std::count(old_.begin() + from, old_.begin() + to_old, '\n'));
  if (!Tail(z, to_old, delta, lines, out)) return std::nullopt;
  return out;
}

}  // namespace

SourceLoc LocateOffset(std::string_view text, size_t at) {
  int line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  return {line, ColumnAt(text, at)};
}

std::optional<ServiceSpans> ScanServices(std::string_view text) {
  return Scanner(text).Run();
}

std::optional<ServiceSpans> RescanServices(std::string_view old_text,
                                           const ServiceSpans& was,
                                           std::string_view text,
                                           std::pair<size_t, size_t>* scanned) {
  size_t p = CommonPrefix(old_text, text);
  size_t limit = std::min(old_text.size(), text.size()) - p;
  size_t q = old_text.size() - CommonSuffix(old_text, text, limit);
  if (p == old_text.size() && p == text.size()) {  // the same text
    if (scanned) *scanned = {0, 0};
    ServiceSpans out = was;
    for (auto& item : out.items)
      item = text.substr(static_cast<size_t>(item.data() - old_text.data()),
                         item.size());
    return out;
  }
  Rescan r(old_text, was, text);
  auto out = r.Run(p, q);
  if (out && scanned) *scanned = r.scanned;
  return out;
}

}  // namespace lvsnft
