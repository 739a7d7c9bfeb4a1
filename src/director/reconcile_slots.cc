// The desired elements of a set with compact slot tables, encoded straight
// from the tables: no plan element is made per slot.
#include <cstring>

#include "director/reconcile.h"

namespace lvsnft::netlink {
namespace {

// The set's declaration and plain elements, without its slot tables (what
// the element encoder takes).
plan::Set WithoutSlots(const plan::Set& s) {
  return plan::Set{.name = s.name,
                   .key = s.key,
                   .data = s.data,
                   .verdict_map = s.verdict_map,
                   .interval = s.interval,
                   .dynamic = s.dynamic,
                   .timeout = s.timeout,
                   .counter = s.counter,
                   .timeout_ms = s.timeout_ms,
                   .size = s.size,
                   .comment = s.comment,
                   .elements = s.elements};
}

// The servers' map data as the kernel holds it: one scalar each, unpadded.
Result<std::vector<SmallBytes>> SlotData(const plan::Set& s,
                                         const plan::SlotTable& t) {
  const size_t len = plan::DataTypeLen(t.type);
  if (s.data.size() != 1 || t.type != s.data[0])
    return Status::Error("set " + s.name + ": slot data of " + t.service +
                         " has the wrong type");
  if (!t.servers || t.data.size() != t.servers->size() * len)
    return Status::Error("set " + s.name + ": slot data of " + t.service +
                         " does not match its servers");
  std::vector<SmallBytes> data;
  data.reserve(t.servers->size());
  for (size_t r = 0; r < t.servers->size(); ++r)
    data.emplace_back(t.data.data() + r * len, len);
  return data;
}

// Appends the elements of slot table `t` to `out`.
Status AppendSlots(const plan::Set& s, const plan::SlotTable& t,
                   std::vector<RawElement>& out) {
  auto data = SlotData(s, t);
  if (!data.ok()) return data.status();
  const std::vector<uint32_t>& owner = t.servers->owner;
  for (size_t i = 0; i < owner.size(); ++i) {
    if (owner[i] >= data->size())
      return Status::Error("set " + s.name + ": slot without a target");
    RawElement& r = out.emplace_back();
    uint32_t mark = t.base + static_cast<uint32_t>(i);  // host order
    r.key.Assign(reinterpret_cast<const uint8_t*>(&mark), sizeof mark);
    r.data = (*data)[owner[i]];
    r.src = ElementOrigin(&t, static_cast<uint32_t>(i));
    r.src_index = static_cast<uint32_t>(out.size() - 1);
  }
  return Status();
}

}  // namespace

Result<std::vector<RawElement>> DesiredElements(const plan::Set& s,
                                                const ElementEncoder& enc) {
  if (s.slot_tables.empty()) return enc(s);
  // Slots are plain mark maps: key = mark, data = the owner's.
  if (s.interval || s.verdict_map || s.key.size() != 1 ||
      s.key[0] != plan::DataType::kMark || s.data.empty())
    return Status::Error("set " + s.name + ": slot tables need a mark map");
  plan::Set plain = WithoutSlots(s);
  auto raw = enc(plain);
  if (!raw.ok()) return raw.status();
  std::vector<RawElement> out = std::move(*raw);
  // The encoder saw a copy: point the origins back into the plan.
  for (auto& r : out) {
    if (const plan::Element* e = r.src.element())
      r.src = &s.elements[static_cast<size_t>(e - plain.elements.data())];
  }
  out.reserve(out.size() + plan::ElementCount(s) - s.elements.size());
  for (const auto& t : s.slot_tables) {
    Status st = AppendSlots(s, t, out);
    if (!st.ok()) return st;
  }
  return out;
}

}  // namespace lvsnft::netlink
