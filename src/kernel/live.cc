// Finding live objects by name.
#include "kernel/live.h"

namespace lvsnft::netlink {

const LiveTable* FindTable(const std::vector<LiveTable>& tables,
                           plan::TableFamily family, std::string_view name) {
  for (const auto& t : tables) {
    if (t.family == family && t.name == name) return &t;
  }
  return nullptr;
}

LiveTable* FindTable(std::vector<LiveTable>& tables, plan::TableFamily family,
                     std::string_view name) {
  const auto& all = tables;
  return const_cast<LiveTable*>(FindTable(all, family, name));
}

const LiveSet* FindSet(const LiveTable& t, std::string_view name) {
  return plan::FindNamed(t.sets, name);
}

LiveSet* FindSet(LiveTable& t, std::string_view name) {
  return const_cast<LiveSet*>(plan::FindNamed(t.sets, name));
}

const LiveChain* FindChain(const LiveTable& t, std::string_view name) {
  return plan::FindNamed(t.chains, name);
}

LiveChain* FindChain(LiveTable& t, std::string_view name) {
  return const_cast<LiveChain*>(plan::FindNamed(t.chains, name));
}

}  // namespace lvsnft::netlink
