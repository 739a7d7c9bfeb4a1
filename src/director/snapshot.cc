#include "director/snapshot.h"

#include <cstring>

#include "base/atomic_file.h"

namespace lvsnft::netlink {

namespace {

constexpr char kMagic[8] = {'l', 'v', 's', 'n', 'a', 'p', '0', '2'};
// The file around the encoding: header with kind, version, length, CRC32C.
constexpr const char* kSealKind = "director-snapshot";
constexpr int kSealVersion = 3;
// A table's family is stored as its NFPROTO_* number, as on the wire.
constexpr int32_t kFamilyInet = 1;    // NFPROTO_INET
constexpr int32_t kFamilyNetdev = 5;  // NFPROTO_NETDEV

int32_t FamilyCode(plan::TableFamily f) {
  return f == plan::TableFamily::kInet ? kFamilyInet : kFamilyNetdev;
}

class Writer {
 public:
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I32(int32_t v) { Raw(&v, 4); }
  void Bytes(const SmallBytes& b) {
    U32(static_cast<uint32_t>(b.size()));
    out_.append(b.begin(), b.end());
  }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void Raw(const void* p, size_t n) {
    out_.append(static_cast<const char*>(p), n);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  bool ok() const { return ok_; }
  uint32_t U32() { return Num<uint32_t>(); }
  uint64_t U64() { return Num<uint64_t>(); }
  int32_t I32() { return Num<int32_t>(); }
  SmallBytes Bytes() {
    uint32_t n = U32();
    if (n > SmallBytes::kMaxSize) ok_ = false;
    if (!Need(n)) return {};
    SmallBytes b(reinterpret_cast<const uint8_t*>(in_.data()) + pos_, n);
    pos_ += n;
    return b;
  }
  std::string Str() { return std::string(View()); }
  /// A string of the file, not copied (valid while the file is).
  std::string_view View() {
    uint32_t n = U32();
    if (!Need(n)) return {};
    std::string_view s(in_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  void Skip(size_t n) {
    if (Need(n)) pos_ += n;
  }
  bool Need(size_t n) {
    if (pos_ + n > in_.size()) ok_ = false;
    return ok_;
  }

 private:
  template <typename T>
  T Num() {
    T v{};
    if (Need(sizeof(T))) std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += ok_ ? sizeof(T) : 0;
    return v;
  }
  const std::string& in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void PutSet(Writer& w, const LiveSet& s) {
  w.Str(s.name);
  w.U64(s.tag);
  w.U32(static_cast<uint32_t>(s.elements.size()));
  for (const auto& e : s.elements) {
    w.Bytes(e.key);
    w.Bytes(e.key_end);
    w.Bytes(e.data);
    w.U32(e.flags);
    w.I32(e.verdict);
    w.Str(e.chain.view());
  }
}

LiveSet GetSet(Reader& r) {
  LiveSet s;
  s.name = r.Str();
  s.tag = r.U64();
  uint32_t n = r.U32();
  // Each element takes at least 24 bytes of the file: a count beyond that
  // is damage, not a reason to reserve gigabytes.
  if (r.Need(static_cast<size_t>(n) * 24)) s.elements.reserve(n);
  // Each element is built in place; its chain name is interned straight
  // from the file's bytes (no string per element).
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    LiveElement& e = s.elements.emplace_back();
    e.key = r.Bytes();
    e.key_end = r.Bytes();
    e.data = r.Bytes();
    e.flags = r.U32();
    e.verdict = r.I32();
    e.chain = r.View();
  }
  return s;
}

void PutChain(Writer& w, const LiveChain& c) {
  w.Str(c.name);
  w.U64(c.tag);
  w.U32(static_cast<uint32_t>(c.rules.size()));
  for (const auto& r : c.rules) {
    w.U64(r.tag);
    w.Str(r.comment);
  }
}

LiveChain GetChain(Reader& r) {
  LiveChain c;
  c.name = r.Str();
  c.tag = r.U64();
  uint32_t n = r.U32();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    LiveRule rule;
    rule.tag = r.U64();
    rule.comment = r.Str();
    c.rules.push_back(std::move(rule));  // handle 0: resolved on demand
  }
  return c;
}

}  // namespace

std::string EncodeSnapshot(const Snapshot& s) {
  Writer w;
  w.Raw(kMagic, sizeof(kMagic));
  w.U32(s.genid);
  w.Str(s.instance);
  w.U32(static_cast<uint32_t>(s.tables.size()));
  for (const auto& t : s.tables) {
    w.I32(FamilyCode(t.family));
    w.Str(t.name);
    w.Str(t.comment);
    w.U64(t.tag);
    w.U32(static_cast<uint32_t>(t.sets.size()));
    for (const auto& set : t.sets) PutSet(w, set);
    w.U32(static_cast<uint32_t>(t.chains.size()));
    for (const auto& c : t.chains) PutChain(w, c);
  }
  return std::move(w.out());
}

Result<Snapshot> DecodeSnapshot(const std::string& bytes) {
  if (bytes.size() < sizeof(kMagic) ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Status::Error("not an lvsnft snapshot");
  }
  Reader r(bytes);
  r.Skip(sizeof(kMagic));
  Snapshot s;
  s.genid = r.U32();
  s.instance = r.Str();
  uint32_t tables = r.U32();
  for (uint32_t i = 0; i < tables && r.ok(); ++i) {
    LiveTable t;
    int32_t family = r.I32();
    if (family != kFamilyInet && family != kFamilyNetdev) {
      return Status::Error("lvsnft snapshot: unknown table family " +
                           std::to_string(family));
    }
    t.family = family == kFamilyInet ? plan::TableFamily::kInet
                                     : plan::TableFamily::kNetdev;
    t.name = r.Str();
    t.comment = r.Str();
    t.tag = r.U64();
    uint32_t sets = r.U32();
    for (uint32_t j = 0; j < sets && r.ok(); ++j) t.sets.push_back(GetSet(r));
    uint32_t chains = r.U32();
    for (uint32_t j = 0; j < chains && r.ok(); ++j)
      t.chains.push_back(GetChain(r));
    s.tables.push_back(std::move(t));
  }
  if (!r.ok()) return Status::Error("truncated lvsnft snapshot");
  return s;
}

std::optional<Snapshot> LoadSnapshot(const std::string& path,
                                     std::string* rejected) {
  SealedRead file = SealedFile(path, kSealKind, kSealVersion).Read();
  if (!file.payload) {
    *rejected = file.rejected;
    return std::nullopt;
  }
  auto s = DecodeSnapshot(*file.payload);
  if (!s.ok()) {
    *rejected = s.status().message();
    return std::nullopt;
  }
  return std::move(*s);
}

Status SaveSnapshot(const std::string& path, const Snapshot* s) {
  SealedFile file(path, kSealKind, kSealVersion);
  return s ? file.Write(EncodeSnapshot(*s)) : file.Remove();
}

}  // namespace lvsnft::netlink
