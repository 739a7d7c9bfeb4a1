#include "kernel/sim/sim_conntrack.h"

namespace lvsnft::netlink {

Result<std::vector<CtEntry>> FakeConnTrack::List(uint32_t mark, uint32_t mask) {
  ++dumps;
  std::vector<CtEntry> out;
  for (const auto& e : entries) {
    if ((e.mark & mask) == mark) out.push_back(e);
  }
  return out;
}

Result<size_t> FakeConnTrack::Delete(const CtFilter& f) {
  size_t before = entries.size();
  std::erase_if(entries, [&f](const CtEntry& e) { return f.Matches(e); });
  return before - entries.size();
}

}  // namespace lvsnft::netlink
