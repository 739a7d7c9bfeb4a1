// UTF-8 and hex helpers of the JSON reader (not a public interface).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lvsnft::json {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
/// (overlong forms, surrogates and code points over U+10FFFF included);
/// its code point goes to `cp` when set.
size_t Utf8Length(std::string_view s, size_t i, uint32_t* cp = nullptr);
/// Appends code point `cp` to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);
/// True when byte `c` starts a character (is no UTF-8 continuation byte):
/// the reader's columns count characters, not bytes.
inline bool StartsCharacter(char c) {
  return (static_cast<uint8_t>(c) & 0xc0) != 0x80;
}
/// The characters of `s`: how many columns the reader moves over it.
int CountCharacters(std::string_view s);
/// The line feeds in `s` (found by memchr: a whole file's worth is
/// counted when the reader jumps over entries another thread read).
int CountLines(std::string_view s);
/// The column the reader gives `s[at]` (1-based) when no carriage return
/// precedes it on its line (lines are counted by '\n' alone here).
int ColumnAt(std::string_view s, size_t at);
/// `v` in upper-case hex, at least `digits` digits.
std::string Hex(uint32_t v, int digits);

}  // namespace lvsnft::json
