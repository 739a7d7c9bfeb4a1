#include "config/json.h"

#include <cctype>
#include <map>

#include "config/json_builder.h"
#include "config/json_utf8.h"

namespace lvsnft::json {
namespace {

std::string LocText(SourceLoc l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col);
}

/// One step of the path from the root to the value being read.
struct Step {
  std::string_view key;  ///< Member key, or empty for an array element.
  size_t index = 0;      ///< Array element index.
  bool is_index = false;
};

/// Recursive-descent reader over one input text.
class Reader {
 public:
  Reader(std::string_view text, Diagnostics& d, const Limits& limits,
         SourceLoc start = {1, 1}, int depth = 0, ItemSink* sink = nullptr)
      : s_(text),
        d_(d),
        limits_(limits),
        sink_(sink),
        line_(start.line),
        col_(start.col),
        depth_(depth) {}
  std::optional<Document> Run();

 private:
  bool ParseValue(Value& v, int depth);
  bool ParseObject(Value& v, int depth);
  bool ParseMember(size_t start, std::map<std::string_view, SourceLoc>& seen,
                   int depth);
  bool ParseArray(Value& v, int depth);
  /// Reads one array element into items_, or hands it to the sink.
  bool ParseItem(size_t index, bool streamed, int depth);
  /// Moves past the rest of the streamed array's elements when the sink
  /// reads them itself (ItemSink::Skip); false when it does not.
  bool JumpOver(size_t index);
  /// True when the array about to be read goes to the sink.
  bool Streamed() const {
    return sink_ && path_.size() == 1 && !path_[0].is_index &&
           path_[0].key == sink_->key();
  }
  bool ParseString(std::string_view& out);
  /// Moves over a run of plain string characters, copying them to
  /// `decoded` when set.
  void SkipPlain(std::string* decoded);
  bool ParseEscape(std::string& out);
  bool ParseHex4(uint32_t& v);
  bool ParseNumber(Value& v);
  bool ParseWord(Value& v);
  bool Unexpected(const std::string& expected);
  std::string TextHere() const;
  /// Text of the pointer to the value being read.
  std::string Pointer() const;

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  bool IsDigit() const { return !AtEnd() && Peek() >= '0' && Peek() <= '9'; }
  void Advance();
  /// Advance over a character known to be printable ASCII.
  void StepAscii() {
    ++pos_;
    ++col_;
  }
  void SkipSpace();
  SourceLoc Here() const { return {line_, col_}; }
  bool Fail(SourceLoc at, std::string msg) {
    d_.Error(at, Pointer(), std::move(msg));
    return false;
  }

  std::string_view s_;
  Diagnostics& d_;
  const Limits& limits_;
  ItemSink* sink_;
  Builder out_;
  std::vector<Step> path_;
  std::vector<Value> items_;     // children of the open arrays
  std::vector<Member> members_;  // members of the open objects
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  int depth_ = 0;  // nesting of the text's top value
  size_t values_ = 0;
  bool soft_errors_ = false;  // duplicate keys: reported, parsing goes on
};

std::string Reader::Pointer() const {
  std::string out;
  for (const Step& st : path_) {
    out = st.is_index ? out + "/" + std::to_string(st.index)
                      : JoinPointer(out, st.key);
  }
  return out;
}

void Reader::Advance() {
  char c = s_[pos_++];
  if (c == '\n' && pos_ >= 2 && s_[pos_ - 2] == '\r') return;  // CRLF
  if (c == '\n' || c == '\r') {
    ++line_;
    col_ = 1;
  } else if (StartsCharacter(c)) {
    ++col_;
  }
}

void Reader::SkipSpace() {
  while (!AtEnd()) {
    char c = Peek();
    if (c == ' ' || c == '\t') {
      StepAscii();  // most space: no line to count
    } else if (c == '\n' || c == '\r') {
      Advance();
    } else {
      return;
    }
  }
}

std::string Reader::TextHere() const {
  if (AtEnd()) return "end of input";
  char c = Peek();
  if (c == '\'') return "\"'\"";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
  uint32_t cp = 0;
  if (Utf8Length(s_, pos_, &cp) == 0) {
    return "byte 0x" + Hex(static_cast<uint8_t>(c), 2);
  }
  std::string out = "character U+" + Hex(cp, 4);
  if (cp == 0x201c || cp == 0x201d || cp == 0x2018 || cp == 0x2019) {
    out += " (a typographic quote; JSON needs plain '\"')";
  }
  return out;
}

bool Reader::Unexpected(const std::string& expected) {
  char c = Peek();
  std::string msg = "expected " + expected + ", got " + TextHere();
  if (c == '\'') msg += " (JSON strings need double quotes)";
  if (c == '/') msg += " (JSON has no comments)";
  return Fail(Here(), msg);
}

std::optional<Document> Reader::Run() {
  if (s_.size() > limits_.input_bytes) {
    Fail({1, 1}, "input too large: " + std::to_string(s_.size()) +
                     " bytes (limit " + std::to_string(limits_.input_bytes) +
                     ")");
    return std::nullopt;
  }
  if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
  SkipSpace();
  if (AtEnd()) {
    Fail(Here(), "empty input: expected a JSON object");
    return std::nullopt;
  }
  Value root;
  if (!ParseValue(root, depth_)) return std::nullopt;
  SkipSpace();
  if (!AtEnd()) {
    Unexpected("end of input after the top-level value");
    return std::nullopt;
  }
  if (soft_errors_) return std::nullopt;
  return out_.Finish(root);
}

bool Reader::ParseValue(Value& v, int depth) {
  v.loc = Here();
  if (++values_ > limits_.values) {
    return Fail(v.loc, "too many values (limit " +
                           std::to_string(limits_.values) + ")");
  }
  char c = Peek();
  if (c == '{' || c == '[') {
    if (depth >= limits_.depth) {
      return Fail(v.loc, "nesting deeper than " +
                             std::to_string(limits_.depth) + " levels");
    }
    return c == '{' ? ParseObject(v, depth + 1) : ParseArray(v, depth + 1);
  }
  if (c == '"') {
    v.type = Type::kString;
    return ParseString(v.text);
  }
  if (c == '-' || IsDigit()) return ParseNumber(v);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return ParseWord(v);
  return Unexpected("a value");
}

bool Reader::ParseObject(Value& v, int depth) {
  v.type = Type::kObject;
  SourceLoc open = Here();
  Advance();  // '{'
  SkipSpace();
  size_t start = members_.size();
  std::map<std::string_view, SourceLoc> seen;
  for (bool first = true;; first = false) {
    if (Peek() == '}' && first) break;
    if (Peek() != '"') return Unexpected("a string key or '}'");
    if (!ParseMember(start, seen, depth)) return false;
    SkipSpace();
    if (Peek() == '}') break;
    if (AtEnd()) {
      return Fail(Here(),
                  "unexpected end of input: missing '}' for the object "
                  "opened at " +
                      LocText(open));
    }
    if (Peek() != ',') return Unexpected("',' or '}' after object member");
    Advance();
    SkipSpace();
    if (Peek() == '}') return Fail(Here(), "trailing comma before '}'");
  }
  Advance();  // '}'
  out_.CommitMembers(members_, start, v);
  return true;
}

bool Reader::ParseMember(size_t start,
                         std::map<std::string_view, SourceLoc>& seen,
                         int depth) {
  Member m;
  m.key_loc = Here();
  if (!ParseString(m.key)) return false;
  path_.push_back({m.key});
  // Small objects (every config object) are checked for duplicates by a
  // scan; a map takes over for large ones so the check stays O(n log n).
  const SourceLoc* first = nullptr;
  std::span<const Member> prev(members_.data() + start,
                               members_.size() - start);
  if (prev.size() < 16) {
    for (const auto& p : prev) {
      if (SameKey(p.key, m.key)) first = &p.key_loc;
    }
  } else {
    if (seen.empty()) {
      for (const auto& p : prev) seen.emplace(p.key, p.key_loc);
    }
    auto [it, fresh] = seen.emplace(m.key, m.key_loc);
    if (!fresh) first = &it->second;
  }
  if (first) {
    Fail(m.key_loc, "duplicate key " + Quote(m.key) + " (first at " +
                        LocText(*first) + ")");
    soft_errors_ = true;
  }
  SkipSpace();
  if (Peek() != ':') return Unexpected("':' after object key " + Quote(m.key));
  Advance();
  SkipSpace();
  if (AtEnd()) return Fail(Here(), "unexpected end of input: expected a value");
  if (!ParseValue(m.value, depth)) return false;
  path_.pop_back();
  members_.push_back(m);
  return true;
}

bool Reader::ParseArray(Value& v, int depth) {
  v.type = Type::kArray;
  SourceLoc open = Here();
  Advance();  // '['
  SkipSpace();
  size_t start = items_.size();
  bool streamed = Streamed();
  for (size_t index = 0;; ++index) {
    if (Peek() == ']' && index == 0) break;
    if (!(streamed && JumpOver(index)) && !ParseItem(index, streamed, depth)) {
      return false;
    }
    SkipSpace();
    if (Peek() == ']') break;
    if (AtEnd()) {
      return Fail(Here(),
                  "unexpected end of input: missing ']' for the array "
                  "opened at " +
                      LocText(open));
    }
    if (Peek() != ',') return Unexpected("',' or ']' after array element");
    Advance();
    SkipSpace();
    if (Peek() == ']') return Fail(Here(), "trailing comma before ']'");
  }
  Advance();  // ']'
  out_.CommitItems(items_, start, v);
  return true;
}

bool Reader::ParseItem(size_t index, bool streamed, int depth) {
  path_.push_back({{}, index, true});
  if (AtEnd()) return Fail(Here(), "unexpected end of input: expected a value");
  Builder::Mark mark = out_.Fill();
  Value item;
  if (!ParseValue(item, depth)) return false;
  path_.pop_back();
  if (!streamed) {
    items_.push_back(item);
    return true;
  }
  Builder::AdoptAt(item);
  sink_->Take(item, index);
  out_.Rewind(mark);
  return true;
}

bool Reader::JumpOver(size_t index) {
  size_t to = sink_->Skip(index, pos_);
  if (to <= pos_ || to > s_.size()) return false;
  std::string_view gap = s_.substr(pos_, to - pos_);
  size_t bol = gap.rfind('\n');
  if (bol != gap.npos) {
    line_ += CountLines(gap.substr(0, bol + 1));
    col_ = 1;
    gap.remove_prefix(bol + 1);
  }
  col_ += CountCharacters(gap);
  pos_ = to;
  return true;
}

bool Reader::ParseString(std::string_view& out) {
  SourceLoc open = Here();
  Advance();  // '"'
  size_t start = pos_;
  std::string* decoded = nullptr;  // set at the first escape
  for (;;) {
    SkipPlain(decoded);
    if (AtEnd()) {
      return Fail(open, "unterminated string (missing closing '\"')");
    }
    char c = Peek();
    if (c == '"') {
      out =
          decoded ? std::string_view(*decoded) : s_.substr(start, pos_ - start);
      Advance();
      return true;
    }
    if (c == '\\') {
      if (!decoded) decoded = &out_.Decoded(s_.substr(start, pos_ - start));
      if (!ParseEscape(*decoded)) return false;
      continue;
    }
    if (static_cast<uint8_t>(c) < 0x20) {
      return Fail(Here(), "control character U+" +
                              Hex(static_cast<uint8_t>(c), 4) +
                              " in string must be escaped");
    }
    size_t n = Utf8Length(s_, pos_);
    if (n == 0) {
      return Fail(Here(), "invalid UTF-8 byte 0x" +
                              Hex(static_cast<uint8_t>(c), 2) + " in string");
    }
    if (decoded) decoded->append(s_.substr(pos_, n));
    for (size_t k = 0; k < n; ++k) Advance();
  }
}

void Reader::SkipPlain(std::string* decoded) {
  // Printable ASCII other than quote and backslash needs no check and moves one
  // column per byte; most of a config's text is that.
  size_t from = pos_;
  while (pos_ < s_.size()) {
    auto c = static_cast<uint8_t>(s_[pos_]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++pos_;
  }
  col_ += static_cast<int>(pos_ - from);
  if (decoded) decoded->append(s_.substr(from, pos_ - from));
}

bool Reader::ParseHex4(uint32_t& v) {
  v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = Peek();
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) {
      return Fail(Here(), "invalid \\u escape: expected 4 hex digits");
    }
    v = v * 16 + static_cast<uint32_t>(d);
    Advance();
  }
  return true;
}

bool Reader::ParseEscape(std::string& out) {
  SourceLoc at = Here();
  Advance();  // '\'
  char c = Peek();
  static constexpr std::string_view kFrom = "\"\\/bfnrt",
                                    kTo = "\"\\/\b\f\n\r\t";
  if (size_t i = kFrom.find(c); !AtEnd() && i != std::string_view::npos) {
    out += kTo[i];
    Advance();
    return true;
  }
  if (c != 'u') {
    std::string what = AtEnd() ? "end of input" : TextHere();
    return Fail(at, "invalid escape sequence: '\\' followed by " + what);
  }
  Advance();
  uint32_t cp = 0;
  if (!ParseHex4(cp)) return false;
  if (cp >= 0xdc00 && cp <= 0xdfff) {
    return Fail(at, "unpaired UTF-16 low surrogate \\u" + Hex(cp, 4));
  }
  if (cp >= 0xd800 && cp <= 0xdbff) {
    uint32_t lo = 0;
    if (Peek() != '\\' || pos_ + 1 >= s_.size() || s_[pos_ + 1] != 'u') {
      return Fail(at, "unpaired UTF-16 high surrogate \\u" + Hex(cp, 4));
    }
    Advance();
    Advance();
    if (!ParseHex4(lo)) return false;
    if (lo < 0xdc00 || lo > 0xdfff) {
      return Fail(at, "unpaired UTF-16 high surrogate \\u" + Hex(cp, 4));
    }
    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
  }
  AppendUtf8(out, cp);
  return true;
}

bool Reader::ParseNumber(Value& v) {
  v.type = Type::kNumber;
  size_t start = pos_;
  auto digits = [&] {
    while (IsDigit()) StepAscii();
  };
  if (Peek() == '-') Advance();
  if (!IsDigit()) return Unexpected("a digit after '-'");
  if (Peek() == '0') {
    Advance();
    if (IsDigit()) {
      return Fail(v.loc, "invalid number: leading zeros are not allowed");
    }
  } else {
    digits();
  }
  v.integral = true;
  if (Peek() == '.') {
    Advance();
    if (!IsDigit()) return Unexpected("a digit after '.'");
    digits();
    v.integral = false;
  }
  if (Peek() == 'e' || Peek() == 'E') {
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    if (!IsDigit()) return Unexpected("a digit in the exponent");
    digits();
    v.integral = false;
  }
  char c = Peek();
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
    return Unexpected("a delimiter after the number");
  }
  v.text = s_.substr(start, pos_ - start);
  return true;
}

bool Reader::ParseWord(Value& v) {
  size_t start = pos_;
  while (!AtEnd() &&
         (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '_')) {
    Advance();
  }
  std::string_view w = s_.substr(start, pos_ - start);
  if (w == "true" || w == "false") {
    v.type = Type::kBool;
    v.boolean = w == "true";
    return true;
  }
  if (w == "null") {
    v.type = Type::kNull;
    return true;
  }
  return Fail(v.loc,
              "invalid literal " + Quote(w, 20) +
                  ": expected true, false, null, a number, a \"string\", an "
                  "array or an object");
}

}  // namespace

std::optional<Document> Parse(std::string_view text, Diagnostics& diags,
                              const Limits& limits, ItemSink* sink) {
  return Reader(text, diags, limits, {1, 1}, 0, sink).Run();
}

std::optional<Document> ParseAt(std::string_view text, SourceLoc start,
                                int depth, Diagnostics& diags) {
  return Reader(text, diags, kDefaultLimits, start, depth).Run();
}

}  // namespace lvsnft::json
