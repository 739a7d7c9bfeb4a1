// Encoding of JsonPointer. One byte per token head:
//   0x00..0x7e  a known config key (index into KnownKeys())
//   0x7f        any other key: its escaped text follows, ended by '/' or
//               the end of the code ('/' cannot occur in escaped text)
//   0x80 | n    an array index: n (1..8) little-endian bytes follow
#include "config/pointer.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "config/config_names.h"

namespace lvsnft {
namespace {

constexpr unsigned char kRawKey = 0x7f;
constexpr unsigned char kIndex = 0x80;

/// Every key a config v1 object accepts, each once, in a fixed order.
const std::vector<std::string_view>& KnownKeys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> out;
    for (const auto& t : names::kKeyTables) {
      for (std::string_view k : t.keys) {
        if (std::find(out.begin(), out.end(), k) == out.end()) {
          out.push_back(k);
        }
      }
    }
    return out;
  }();
  return keys;
}

/// KnownKeys() position of each key, found by length and then by bytes:
/// every origin of a parsed config looks its keys up here, and a hash of
/// each key costs more than comparing it with the few keys of its length.
class KeyCodeTable {
 public:
  KeyCodeTable() {
    for (size_t i = 0; i < KnownKeys().size(); ++i) {
      std::string_view k = KnownKeys()[i];
      if (k.size() < by_size_.size()) by_size_[k.size()].push_back({k, i});
    }
  }
  /// The key's position, or nullopt when it is not a known key.
  std::optional<size_t> Find(std::string_view key) const {
    if (key.size() >= by_size_.size()) return std::nullopt;
    for (const auto& [k, i] : by_size_[key.size()]) {
      if (k[0] == key[0] && k == key) return i;
    }
    return std::nullopt;
  }

 private:
  // Config keys are short; a longer key is never a known one.
  std::array<std::vector<std::pair<std::string_view, size_t>>, 32> by_size_;
};

const KeyCodeTable& KeyCodes() {
  static const KeyCodeTable codes;
  return codes;
}

}  // namespace

void PointerCode::Append(std::string_view s) {
  size_t n = view().size() + s.size();
  if (n < sizeof buf_) {
    std::memcpy(buf_ + tag_, s.data(), s.size());
    tag_ = static_cast<uint8_t>(n);
  } else if (OnHeap()) {
    Heap()->append(s);
  } else {
    auto* heap = new std::string(view());
    heap->append(s);
    std::memcpy(buf_, &heap, sizeof heap);
    tag_ = kHeap;
  }
}

void AppendEscapedToken(std::string& out, std::string_view key) {
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

JsonPointer::JsonPointer(const char* text) {
  std::string_view rest(text);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // '/'
    std::string_view token = rest.substr(0, rest.find('/'));
    rest.remove_prefix(token.size());
    bool digits = !token.empty() && token.size() < 10 &&
                  token.find_first_not_of("0123456789") == token.npos;
    if (digits) {
      AppendIndex(std::stoul(std::string(token)));
      continue;
    }
    std::string key;
    for (size_t i = 0; i < token.size(); ++i) {
      bool esc = token[i] == '~' && i + 1 < token.size();
      key += !esc ? token[i] : token[++i] == '1' ? '/' : '~';
    }
    AppendKey(key);
  }
}

void JsonPointer::AppendKey(std::string_view key) {
  auto code = KeyCodes().Find(key);
  if (code && *code < kRawKey) {
    char head = static_cast<char>(*code);
    code_.Append({&head, 1});
    return;
  }
  std::string raw(1, static_cast<char>(kRawKey));
  AppendEscapedToken(raw, key);
  code_.Append(raw + '/');
}

void JsonPointer::AppendIndex(size_t index) {
  std::array<char, 8> bytes{};
  size_t n = 0;
  do {
    bytes[n++] = static_cast<char>(index & 0xff);
    index >>= 8;
  } while (index != 0);
  char head = static_cast<char>(kIndex | n);
  code_.Append({&head, 1});
  code_.Append({bytes.data(), n});
}

bool JsonPointer::ReplacePrefix(const JsonPointer& from,
                                const JsonPointer& to) {
  // Tokens are self-delimiting (an index token's head holds its length), so
  // a byte prefix of whole tokens is a token prefix.
  std::string_view code = code_.view();
  if (!code.starts_with(from.code_.view())) return false;
  std::string moved(to.code_.view());
  moved += code.substr(from.code_.view().size());
  code_.Assign(moved);
  return true;
}

std::string JsonPointer::str() const {
  std::string out;
  std::string_view code = code_.view();
  out.reserve(code.size() * 8);
  for (size_t i = 0; i < code.size();) {
    auto head = static_cast<unsigned char>(code[i++]);
    out += '/';
    if (head < kRawKey) {
      out += KnownKeys()[head];
    } else if (head == kRawKey) {
      size_t end = std::min(code.find('/', i), code.size());
      out.append(code.substr(i, end - i));
      i = end + 1;
    } else {
      size_t n = head & ~kIndex, index = 0;
      for (size_t k = n; k-- > 0;) {
        index = (index << 8) | static_cast<unsigned char>(code[i + k]);
      }
      out += std::to_string(index);
      i += n;
    }
  }
  return out;
}

bool JsonPointer::starts_with(std::string_view prefix) const {
  return str().starts_with(prefix);
}

bool JsonPointer::ends_with(std::string_view suffix) const {
  return str().ends_with(suffix);
}

}  // namespace lvsnft
