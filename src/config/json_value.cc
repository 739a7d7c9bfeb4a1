// Value helpers and message formatting for the JSON reader.
#include <charconv>
#include <cstddef>
#include <cstdio>

#include "config/json.h"

namespace lvsnft::json {

std::optional<int64_t> Value::integer() const {
  if (type != Type::kNumber || !integral) return std::nullopt;
  int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

std::span<const Value> Value::items() const {
  if (type != Type::kArray) return {};
  return {static_cast<const Value*>(kids), count};
}

std::span<const Member> Value::members() const {
  if (type != Type::kObject) return {};
  return {static_cast<const Member*>(kids), count};
}

const Value* Value::Find(std::string_view key) const {
  for (const auto& m : members()) {
    if (SameKey(m.key, key)) return &m.value;
  }
  return nullptr;
}

JsonPointer Value::Path() const {
  JsonPointer out;
  AppendPath(out);
  return out;
}

void Value::AppendPath(JsonPointer& out) const {
  if (!parent) return;
  parent->AppendPath(out);
  AppendStep(out);
}

void Value::AppendStep(JsonPointer& out) const {
  if (!parent) return;
  if (parent->type == Type::kArray) {
    out.AppendIndex(static_cast<size_t>(this - parent->items().data()));
    return;
  }
  // This value is the `value` of a Member in the parent's block.
  auto base = reinterpret_cast<const char*>(parent->members().data()) +
              offsetof(Member, value);
  size_t i = (reinterpret_cast<const char*>(this) - base) / sizeof(Member);
  out.AppendKey(parent->members()[i].key);
}

std::string JoinPointer(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  AppendEscapedToken(out, key);
  return out;
}

std::string Quote(std::string_view s, size_t max) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i >= max && (s[i] & 0xc0) != 0x80) {
      out += "...";
      break;
    }
    auto c = static_cast<uint8_t>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "a boolean";
    case Type::kNumber:
      return "a number";
    case Type::kString:
      return "a string";
    case Type::kArray:
      return "an array";
    case Type::kObject:
      return "an object";
  }
  return "?";
}

std::string ValueText(const Value& v) {
  switch (v.type) {
    case Type::kBool:
      return v.boolean ? "true" : "false";
    case Type::kNumber:
      return "number " + std::string(v.text.substr(0, 40));
    case Type::kString:
      return "string " + Quote(v.text);
    default:
      return TypeName(v.type);
  }
}

}  // namespace lvsnft::json
