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
/// `v` in upper-case hex, at least `digits` digits.
std::string Hex(uint32_t v, int digits);

}  // namespace lvsnft::json
