// nft text of set elements, appended straight to an output buffer: a big
// config has hundreds of thousands of elements, so this path builds no
// temporary strings and no Element for the slots of a slot table.
#include <arpa/inet.h>

#include <charconv>

#include "compiler/render_nft_internal.h"

namespace lvsnft::nfttext {

namespace {

using plan::DataType;

// Text is handed to the stream in blocks of about this size.
constexpr size_t kFlushAt = 1 << 16;

void AppendUint(std::string& out, uint32_t v) {
  char buf[12];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendMark(std::string& out, uint32_t m) {
  static const char kHex[] = "0123456789abcdef";
  char buf[10] = {'0', 'x'};
  for (int i = 0; i < 8; ++i) buf[2 + i] = kHex[(m >> (28 - 4 * i)) & 0xf];
  out.append(buf, sizeof buf);
}

void AppendAddr(std::string& out, const uint8_t* bytes, size_t len) {
  if (len == 4) {
    for (size_t i = 0; i < 4; ++i) {
      if (i) out += '.';
      AppendUint(out, bytes[i]);
    }
    return;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes, buf, sizeof buf);
  out += buf;
}

void AppendValues(std::string& out, const std::vector<plan::Value>& vs) {
  for (size_t i = 0; i < vs.size(); ++i) {
    if (i) out += " . ";
    AppendValue(out, vs[i]);
  }
}

// What follows the key of every slot owned by server `r` of `t`
// (" : DATA" in a map).
std::string TargetSuffix(const plan::Set& set, const plan::SlotTable& t,
                         size_t r) {
  std::string out;
  if (set.data.empty()) return out;
  out += " : ";
  AppendValue(out, t.Data(r));
  return out;
}

void AppendVerdict(std::string& out, const plan::Verdict& v) {
  if (v.kind == plan::VerdictKind::kGoto) {
    out += "goto ";
    out += v.chain;
  } else {
    out += VerdictText(v);
  }
}

}  // namespace

void AppendValue(std::string& out, const plan::Value& v) {
  const auto& b = v.bytes;
  switch (v.type) {
    case DataType::kInetProto:
      if (b.at(0) == 6) return void(out += "tcp");
      if (b.at(0) == 17) return void(out += "udp");
      if (b.at(0) == 132) return void(out += "sctp");
      return AppendUint(out, b.at(0));
    case DataType::kIpv4Addr:
    case DataType::kIpv6Addr:
      return AppendAddr(out, b.data(), b.size() == 4 ? 4 : 16);
    case DataType::kInetService:
      return AppendUint(out, (b.at(0) << 8) | b.at(1));
    case DataType::kMark: {
      uint32_t m = 0;
      for (size_t i = 0; i < 4 && i < b.size(); ++i)
        reinterpret_cast<uint8_t*>(&m)[i] = b[i];
      return AppendMark(out, m);
    }
  }
  out += '?';
}

void AppendElement(std::string& out, const plan::Set& set,
                   const plan::Element& e) {
  for (size_t i = 0; i < e.key.size(); ++i) {
    if (i) out += " . ";
    AppendValue(out, e.key[i]);
    if (i < e.key_end.size() && !(e.key_end[i] == e.key[i])) {
      out += '-';
      AppendValue(out, e.key_end[i]);
    }
  }
  if (e.verdict) {
    out += " : ";
    AppendVerdict(out, *e.verdict);
    return;
  }
  if (set.data.empty()) return;
  out += " : ";
  AppendValues(out, e.data);
}

std::string ElementText(const plan::Set& set, const plan::Element& e) {
  std::string out;
  AppendElement(out, set, e);
  return out;
}

void StreamElements(const plan::Set& s, std::ostream& o) {
  const size_t n = plan::ElementCount(s);
  size_t i = 0;
  std::string buf;
  buf.reserve(kFlushAt + 4096);
  auto next = [&] {
    buf += ++i < n ? ",\n" : "\n";
    if (buf.size() < kFlushAt) return;
    o.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  for (const plan::Element& e : s.elements) {
    buf += '\t';
    AppendElement(buf, s, e);
    next();
  }
  for (const plan::SlotTable& t : s.slot_tables) {
    std::vector<std::string> suffix;
    suffix.reserve(t.DataCount());
    for (size_t r = 0; r < t.DataCount(); ++r)
      suffix.push_back(TargetSuffix(s, t, r));
    for (size_t k = 0; k < t.size(); ++k) {
      buf += '\t';
      AppendMark(buf, t.base + static_cast<uint32_t>(k));
      buf += suffix[t.servers->owner[k]];
      next();
    }
  }
  o.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

}  // namespace lvsnft::nfttext
