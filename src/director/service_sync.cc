#include "director/service_sync.h"

#include <set>

#include "base/timing.h"
#include "compiler/config_diff.h"
#include "compiler/lower.h"
#include "compiler/plan_part.h"

namespace lvsnft::netlink {
namespace {

using Blocks = std::map<std::string, lower::SlotBlock>;

// Every service keeps its block's place and extent (a service whose need
// changed keeps them too; its slots inside may grow or shrink).
bool SameBlocks(const Blocks& a, const Blocks& b) {
  if (a.size() != b.size()) return false;
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
    if (x->first != y->first || x->second.base != y->second.base ||
        lower::UnitsFor(x->second.size) != lower::UnitsFor(y->second.size))
      return false;
  }
  return true;
}

std::vector<std::pair<uint32_t, uint32_t>> SlotRanges(
    const std::set<std::string>& services, const Blocks& blocks) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const auto& name : services) {
    auto it = blocks.find(name);
    if (it == blocks.end()) continue;
    uint32_t base = it->second.base;
    out.push_back(
        {base, base + lower::UnitsFor(it->second.size) * lower::kSlotUnit});
  }
  return out;
}

// The owned part of a lowering, slot tables expanded (for the encoder).
plan::Plan Owned(const plan::Plan& p, const std::set<std::string>& services) {
  plan::Plan out = plan::OwnedPart(p, services);
  plan::ExpandSlotTables(out);
  return out;
}

}  // namespace

Result<SyncOutcome> ServiceSync::Sync(const Config* before, const Config& after,
                                      const std::string& config_text) {
  if (before && known_) {
    auto inc = TryIncrement(*before, after, config_text);
    if (!inc.ok()) {
      known_ = false;
      return inc.status();
    }
    if (*inc) return SyncOutcome{std::move(**inc), true};
  }
  return Full(after, config_text);
}

Result<std::optional<DirectorReport>> ServiceSync::TryIncrement(
    const Config& before, const Config& after, const std::string& text) {
  PhaseTimer compare("compare");
  auto touched = TouchedServices(before, after);
  if (!touched || touched->empty()) return std::optional<DirectorReport>();
  compare.Done();
  PhaseTimer lower("lower");
  auto needs = needs_;
  for (const auto& s : after.services) {
    if (touched->count(s.name)) needs[s.name] = lower::SlotOwners(s).size();
  }
  auto blocks = lower::AllocateSlots(needs);
  if (!SameBlocks(blocks_, blocks)) return std::optional<DirectorReport>();
  plan::Plan old_sub = LowerServices(before, *touched, blocks_);
  plan::Plan new_sub = LowerServices(after, *touched, blocks);
  if (!plan::SameSharedPart(old_sub, new_sub, *touched))
    return std::optional<DirectorReport>();
  plan::Plan was = Owned(old_sub, *touched), will = Owned(new_sub, *touched);
  lower.Done();
  ServiceIncrement inc{*touched, &was, &will, SlotRanges(*touched, blocks),
                       text};
  auto r = d_->ApplyIncrement(inc);
  if (!r.ok()) return r.status();
  if (*r) {
    needs_ = std::move(needs);
    blocks_ = std::move(blocks);
  }
  return r;
}

Result<SyncOutcome> ServiceSync::Full(const Config& after,
                                      const std::string& text) {
  known_ = false;
  auto needs = SlotNeeds(after);
  auto blocks = lower::AllocateSlots(needs);
  plan::Plan p = LowerWith(after, blocks);
  plan::ExpandSlotTables(p);
  ApplyOptions o;
  o.config_text = text;
  auto r = d_->Apply(p, o);
  d_->ForgetPlan();  // increments do not keep it true; it is big
  if (!r.ok()) return r.status();
  needs_ = std::move(needs);
  blocks_ = std::move(blocks);
  known_ = true;
  return SyncOutcome{std::move(*r), false};
}

}  // namespace lvsnft::netlink
