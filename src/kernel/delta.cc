#include "kernel/delta.h"

#include <cstring>
#include <mutex>
#include <unordered_set>

namespace lvsnft::netlink {

std::string ElementId(std::span<const uint8_t> key,
                      std::span<const uint8_t> key_end, uint32_t flags) {
  // Raw bytes (short ids stay in the string's inline buffer): the lengths
  // and flags make the encoding unambiguous.
  std::string id;
  id.reserve(key.size() + key_end.size() + 6);
  id.push_back(static_cast<char>(key.size()));
  id.append(key.begin(), key.end());
  id.append(key_end.begin(), key_end.end());
  id.append(reinterpret_cast<const char*>(&flags), 4);
  return id;
}

std::string_view ElementOrigin::service() const {
  if (p_ == nullptr) return {};
  if (slot_ == kElement) return static_cast<const plan::Element*>(p_)->service;
  return static_cast<const plan::SlotTable*>(p_)->service;
}

std::string_view ElementOrigin::real_server() const {
  if (p_ == nullptr) return {};
  if (slot_ == kElement)
    return static_cast<const plan::Element*>(p_)->real_server;
  return static_cast<const plan::SlotTable*>(p_)->RealServer(slot_);
}

std::string RawElement::Id() const { return ElementId(key, key_end, flags); }

size_t ElementKeyHash::operator()(const ElementKey& k) const {
  // FNV-1a over key, key end and flags: a few bytes each, so a simple
  // byte loop beats setting up a general string hash.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  mix(k.key->data(), k.key->size());
  uint8_t sep = static_cast<uint8_t>(k.key->size());
  mix(&sep, 1);
  mix(k.key_end->data(), k.key_end->size());
  mix(reinterpret_cast<const uint8_t*>(&k.flags), sizeof k.flags);
  return static_cast<size_t>(h ^ (h >> 29));
}

LiveElement RawElement::ToLive() && {
  LiveElement e;
  e.key = std::move(key);
  e.key_end = std::move(key_end);
  e.data = std::move(data);
  e.flags = flags;
  e.verdict = verdict;
  e.chain = chain.str();
  return e;
}

LiveElement RawElement::ToLive() const& {
  LiveElement e;
  e.key = key;
  e.key_end = key_end;
  e.data = data;
  e.flags = flags;
  e.verdict = verdict;
  e.chain = chain.str();
  return e;
}

const DesiredTable* FindDesired(const std::vector<DesiredTable>& desired,
                                const plan::Table* t) {
  for (const auto& d : desired) {
    if (d.table == t) return &d;
  }
  return nullptr;
}

bool SameValue(const RawElement& want, const LiveElement& have) {
  return want.data == have.data && want.verdict == have.verdict &&
         want.chain == have.chain;
}

uint64_t UdataTag(const void* data, uint32_t len) {
  auto* p = static_cast<const uint8_t*>(data);
  for (uint32_t i = 0; i + 2 <= len;) {
    uint8_t t = p[i], l = p[i + 1];
    if (i + 2 + l > len) break;
    if (t == kTagUdataType && l == 8) {
      uint64_t v;
      std::memcpy(&v, p + i + 2, 8);
      return v;
    }
    i += 2 + l;
  }
  return 0;
}

}  // namespace lvsnft::netlink
