#include "director/service_sync.h"

#include <set>

#include "base/timing.h"
#include "compiler/config_diff.h"
#include "compiler/lower.h"
#include "compiler/plan_part.h"

namespace lvsnft::netlink {
namespace {

using Blocks = std::map<std::string, lower::SlotBlock>;

using Needs = std::map<std::string, uint32_t>;

// The blocks of `after`'s services when each keeps its place: a service
// whose slot count stays in its size class keeps its block (AllocateSlots
// over the whole config would place it there again: every other service
// and every extent is unchanged). Nullopt when a block would appear,
// vanish or change size class; `needs` gets the new slot counts.
std::optional<Blocks> KeptBlocks(const Blocks& blocks, const Config& after,
                                 Needs& needs) {
  Blocks out;
  for (const auto& s : after.services) {
    uint32_t need = lower::SlotOwners(s).size();
    auto it = blocks.find(s.name);
    needs[s.name] = need;
    if (need == 0 && it == blocks.end()) continue;
    if (need == 0 || it == blocks.end() ||
        lower::UnitsFor(need) != lower::UnitsFor(it->second.size))
      return std::nullopt;
    out[s.name] = {it->second.base, need};
  }
  return out;
}

// The blocks of the services named in `names`.
Blocks Pick(const Blocks& blocks, const std::set<std::string>& names) {
  Blocks out;
  for (const auto& n : names) {
    auto it = blocks.find(n);
    if (it != blocks.end()) out.insert(*it);
  }
  return out;
}

// A config of `director` and `services` only.
Config Sub(const lvsnft::Director& director, std::vector<Service> services) {
  Config c;
  c.director = director;
  c.services = std::move(services);
  return c;
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

}  // namespace

Result<SyncOutcome> ServiceSync::Sync(const Config* before, const Config& after,
                                      const SharedText& config_text) {
  if (!before || !known_) return Full(after, config_text);
  PhaseTimer compare("compare");
  auto touched = TouchedServices(*before, after);
  compare.Done();  // not Full's time: it once showed a full sync as compare
  if (!touched || touched->empty()) return Full(after, config_text);
  std::vector<Service> was;
  for (const auto& s : before->services) {
    if (touched->count(s.name)) was.push_back(s);
  }
  return Changed(was, after, config_text);
}

Result<SyncOutcome> ServiceSync::SyncServices(
    const std::vector<Service>& before, const Config& after,
    const SharedText& config_text) {
  if (!known_ || before.empty()) return Full(after, config_text);
  return Changed(before, after, config_text);
}

Result<SyncOutcome> ServiceSync::Changed(const std::vector<Service>& before,
                                         const Config& after,
                                         const SharedText& text) {
  std::set<std::string> touched;
  for (const auto& s : before) touched.insert(s.name);
  std::vector<Service> now;
  for (const auto& s : after.services) {
    if (touched.count(s.name)) now.push_back(s);
  }
  if (now.size() != before.size()) return Full(after, text);
  auto inc = TryIncrement(Sub(after.director, before),
                          Sub(after.director, std::move(now)), touched, text);
  if (!inc.ok()) {
    known_ = false;
    return inc.status();
  }
  if (*inc) return SyncOutcome{std::move(**inc), true};
  return Full(after, text);
}

// `before` and `after` hold only the touched services.
Result<std::optional<DirectorReport>> ServiceSync::TryIncrement(
    const Config& before, const Config& after,
    const std::set<std::string>& touched, const SharedText& text) {
  PhaseTimer lower("lower");
  Needs needs;
  auto blocks = KeptBlocks(blocks_, after, needs);
  if (!blocks) return std::optional<DirectorReport>();
  plan::Plan old_sub = LowerWith(before, Pick(blocks_, touched));
  plan::Plan new_sub = LowerWith(after, *blocks);
  if (!plan::SameSharedPart(old_sub, new_sub, touched))
    return std::optional<DirectorReport>();
  plan::Plan was = plan::OwnedPart(old_sub, touched),
             will = plan::OwnedPart(new_sub, touched);
  lower.Done();
  ServiceIncrement inc{touched, &was, &will, SlotRanges(touched, *blocks),
                       text};
  auto r = d_->ApplyIncrement(inc);
  if (!r.ok()) return r.status();
  if (*r) {
    for (const auto& [name, n] : needs) needs_[name] = n;
    for (const auto& [name, b] : *blocks) blocks_[name] = b;
  }
  return r;
}

Result<SyncOutcome> ServiceSync::Full(const Config& after,
                                      const SharedText& text) {
  known_ = false;
  auto needs = SlotNeeds(after);
  auto blocks = lower::AllocateSlots(needs);
  plan::Plan p = LowerWith(after, blocks);
  ApplyOptions o;
  if (text) o.config_text = *text;
  auto r = d_->Apply(p, o);
  if (r.ok()) {
    PhaseTimer prepare("prepare increments");
    d_->PrepareIncrements(p);
  }
  d_->ForgetPlan();  // increments do not keep it true; it is big
  if (!r.ok()) return r.status();
  needs_ = std::move(needs);
  blocks_ = std::move(blocks);
  known_ = true;
  return SyncOutcome{std::move(*r), false};
}

}  // namespace lvsnft::netlink
