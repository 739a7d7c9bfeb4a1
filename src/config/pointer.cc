// Encoding of JsonPointer. One byte per token head:
//   0x00..0x7e  a known config key (index into KnownKeys())
//   0x7f        any other key: its escaped text follows, ended by '/' or
//               the end of the code ('/' cannot occur in escaped text)
//   0x80 | n    an array index: n (1..8) little-endian bytes follow
#include "config/pointer.h"

#include <algorithm>
#include <array>
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

}  // namespace

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
  const auto& keys = KnownKeys();
  auto it = std::find(keys.begin(), keys.end(), key);
  if (it != keys.end() && it - keys.begin() < kRawKey) {
    code_ += static_cast<char>(it - keys.begin());
    return;
  }
  code_ += static_cast<char>(kRawKey);
  AppendEscapedToken(code_, key);
  code_ += '/';
}

void JsonPointer::AppendIndex(size_t index) {
  std::array<char, 8> bytes{};
  size_t n = 0;
  do {
    bytes[n++] = static_cast<char>(index & 0xff);
    index >>= 8;
  } while (index != 0);
  code_ += static_cast<char>(kIndex | n);
  code_.append(bytes.data(), n);
}

bool JsonPointer::ReplacePrefix(const JsonPointer& from,
                                const JsonPointer& to) {
  // Tokens are self-delimiting (an index token's head holds its length), so
  // a byte prefix of whole tokens is a token prefix.
  if (!std::string_view(code_).starts_with(from.code_)) return false;
  code_.replace(0, from.code_.size(), to.code_);
  return true;
}

std::string JsonPointer::str() const {
  std::string out;
  out.reserve(code_.size() * 8);
  for (size_t i = 0; i < code_.size();) {
    auto head = static_cast<unsigned char>(code_[i++]);
    out += '/';
    if (head < kRawKey) {
      out += KnownKeys()[head];
    } else if (head == kRawKey) {
      size_t end = std::min(code_.find('/', i), code_.size());
      out.append(code_, i, end - i);
      i = end + 1;
    } else {
      size_t n = head & ~kIndex, index = 0;
      for (size_t k = n; k-- > 0;) {
        index = (index << 8) | static_cast<unsigned char>(code_[i + k]);
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
