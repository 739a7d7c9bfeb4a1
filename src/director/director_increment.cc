// Director::ApplyIncrement: a change confined to some services, computed
// against the in-memory snapshot and committed as one small transaction.
#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "base/timing.h"
#include "director/director.h"
#include "director/director_internal.h"
#include "director/host_lock.h"

namespace lvsnft::netlink {
namespace {

using MaybeReport = std::optional<DirectorReport>;

// Slot maps (mark -> data) hold the services' slot blocks.
bool SlotMap(const plan::Set& s) {
  return s.key.size() == 1 && s.key[0] == plan::DataType::kMark &&
         !s.verdict_map && !s.interval && !s.data.empty();
}

uint32_t Mark(const LiveElement& e) {
  uint32_t mark = 0;
  if (e.key.size() == 4) std::memcpy(&mark, e.key.data(), 4);
  return mark;
}

bool ByMark(const LiveElement& a, const LiveElement& b) {
  return Mark(a) < Mark(b);
}

// Moves the elements into mark order. A full apply leaves them in the
// plan's order, which is not the order of the slot blocks. Sorting the
// elements themselves (about 90 bytes each, three SmallBytes) took 26–38
// ms per 100k-slot map; sorting (mark, index) pairs and moving each
// element once takes a few. The new vector keeps room for an eighth more,
// so the first increments that add slots do not move the whole map again.
void SortElementsByMark(std::vector<LiveElement>& els) {
  if (std::is_sorted(els.begin(), els.end(), ByMark)) return;
  std::vector<std::pair<uint32_t, uint32_t>> order(els.size());
  for (size_t i = 0; i < els.size(); ++i)
    order[i] = {Mark(els[i]), static_cast<uint32_t>(i)};
  std::sort(order.begin(), order.end());
  std::vector<LiveElement> sorted;
  sorted.reserve(els.size() + els.size() / 8);
  for (const auto& [mark, i] : order) sorted.push_back(std::move(els[i]));
  els = std::move(sorted);
}

// The snapshot's slot map elements sorted by mark (once after a full
// apply, `sorted` remembers which; increments keep the order), so that a
// service's slot block is one contiguous run found by binary search
// instead of a scan of every slot.
void SortByMark(const LiveTable& t, LiveSet& s, std::set<std::string>& sorted) {
  std::string key =
      std::to_string(static_cast<int>(t.family)) + "/" + t.name + "/" + s.name;
  if (sorted.insert(std::move(key)).second) SortElementsByMark(s.elements);
}

using ElementIt = std::vector<LiveElement>::iterator;

// The run of `els` (sorted by mark) with marks in [lo, hi).
std::pair<ElementIt, ElementIt> MarkRun(std::vector<LiveElement>& els,
                                        uint32_t lo, uint32_t hi) {
  auto first = std::partition_point(
      els.begin(), els.end(), [&](const auto& e) { return Mark(e) < lo; });
  auto last = std::partition_point(first, els.end(),
                                   [&](const auto& e) { return Mark(e) < hi; });
  return {first, last};
}

// The touched services' objects in desired form, before and after, and in
// live form before: their lowering (what the snapshot holds for them), with
// the slot maps' elements taken from the snapshot (which also holds their
// stale slots).
struct Mini {
  std::vector<DesiredTable> before, after;
  std::vector<LiveTable> live;
};

Result<std::vector<DesiredTable>> Describe(
    const plan::Plan& p, const ElementEncoder& enc,
    const std::map<std::string, uint32_t>& ifindex) {
  std::vector<DesiredTable> out;
  for (const auto& t : p.tables) {
    auto d = ToDesired(t, enc, ifindex);
    if (!d.ok()) return d.status();
    out.push_back(std::move(*d));
  }
  return out;
}

// False when the snapshot lacks a table or slot map the change touches.
bool TakeSlots(const DesiredTable& d, LiveTable& snap,
               const ServiceIncrement& inc, std::set<std::string>& sorted,
               LiveTable& l) {
  for (const auto& s : d.table->sets) {
    if (!SlotMap(s)) continue;
    LiveSet* ls = FindSet(l, s.name);
    LiveSet* ss = FindSet(snap, s.name);
    if (!ls || !ss) return false;
    SortByMark(snap, *ss, sorted);
    ls->elements.clear();
    for (const auto& [lo, hi] : inc.slot_ranges) {
      auto run = MarkRun(ss->elements, lo, hi);
      ls->elements.insert(ls->elements.end(), run.first, run.second);
    }
  }
  return true;
}

// The set declaration of `t` called `name`, or nullptr.
const plan::Set* PlanSet(const plan::Table& t, const std::string& name) {
  for (const auto& s : t.sets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Replaces the touched services' slot runs of the snapshot's slot map
// (sorted by mark) with `now`, keeping the order.
void SwapRuns(LiveSet& s, std::vector<LiveElement> now,
              const ServiceIncrement& inc) {
  auto& els = s.elements;
  std::sort(now.begin(), now.end(), ByMark);
  // Every range's part of `now`, found before any element is moved out: a
  // moved-from element has no key (mark 0), so `now` is no longer sorted
  // once a range above a later one (ranges come in service-name order) has
  // been taken.
  std::vector<std::pair<ElementIt, ElementIt>> parts;
  for (const auto& [lo, hi] : inc.slot_ranges)
    parts.push_back(MarkRun(now, lo, hi));
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [lo, hi] = inc.slot_ranges[i];
    auto run = MarkRun(els, lo, hi);
    auto [from, to] = parts[i];
    size_t have = run.second - run.first, want = to - from;
    auto at = std::move(from, from + std::min(have, want), run.first);
    if (have > want) {
      els.erase(at, run.second);
    } else {
      els.insert(run.second, std::make_move_iterator(from + have),
                 std::make_move_iterator(to));
    }
  }
}

bool SameElement(const LiveElement& a, const LiveElement& b) {
  return a.flags == b.flags && a.key == b.key && a.key_end == b.key_end;
}

// Drops from the snapshot's set the elements the services held before
// (few: compared directly, no ids built for the set's other elements).
void DropOld(LiveSet& s, const LiveSet& old) {
  if (old.elements.empty()) return;
  auto& els = s.elements;
  els.erase(
      std::remove_if(els.begin(), els.end(),
                     [&](const auto& e) {
                       return std::any_of(
                           old.elements.begin(), old.elements.end(),
                           [&](const auto& o) { return SameElement(e, o); });
                     }),
      els.end());
}

// The snapshot after the commit: the services' old objects out, their new
// ones (and the stale slots the transaction left) in.
void Patch(Snapshot& snap, const Mini& m, const Delta& d,
           const ServiceIncrement& inc) {
  std::vector<LiveTable> now;
  for (const auto& t : m.after) now.push_back(LiveFromDesired(t));
  KeepStale(d, now);
  for (size_t i = 0; i < now.size(); ++i) {
    LiveTable* st = FindTable(snap.tables, now[i].family, now[i].name);
    const LiveTable& old = m.live[i];
    for (auto& ns : now[i].sets) {
      LiveSet* ss = FindSet(*st, ns.name);
      const LiveSet* os = FindSet(old, ns.name);
      const plan::Set* ps = PlanSet(*m.after[i].table, ns.name);
      if (!ss || !os || !ps || ps->dynamic) continue;
      if (SlotMap(*ps)) {
        SwapRuns(*ss, std::move(ns.elements), inc);
        continue;
      }
      DropOld(*ss, *os);
      for (auto& e : ns.elements) ss->elements.push_back(std::move(e));
    }
    auto& chains = st->chains;
    chains.erase(std::remove_if(chains.begin(), chains.end(),
                                [&](const LiveChain& c) {
                                  return FindChain(old, c.name) != nullptr;
                                }),
                 chains.end());
    for (auto& c : now[i].chains) chains.push_back(std::move(c));
  }
}

// Builds the mini tables; false when the snapshot cannot serve them.
Result<bool> BuildMini(const ServiceIncrement& inc, Snapshot& snap,
                       std::set<std::string>& sorted, const DirectorEnv& env,
                       const std::map<std::string, uint32_t>& ifindex,
                       Mini& m) {
  auto before = Describe(*inc.before, env.encode, ifindex);
  if (!before.ok()) return before.status();
  auto after = Describe(*inc.after, env.encode, ifindex);
  if (!after.ok()) return after.status();
  m.before = std::move(*before);
  m.after = std::move(*after);
  if (m.before.size() != m.after.size()) return false;
  for (const auto& d : m.before) {
    LiveTable* st = FindTable(snap.tables, d.table->family, d.table->name);
    if (!st) return false;
    m.live.push_back(LiveFromDesired(d));
    if (!TakeSlots(d, *st, inc, sorted, m.live.back())) return false;
  }
  return true;
}

}  // namespace

Result<std::optional<DirectorReport>> Director::ApplyIncrement(
    const ServiceIncrement& inc) {
  PhaseTimer locking("lock");
  auto lock = HostLock::Take(env_.lock_path);
  if (!lock.ok()) return lock.status();
  locking.Done();
  if (!snapshot_) return MaybeReport();
  PhaseTimer describe("describe");
  Mini m;
  auto built = BuildMini(inc, *snapshot_, sorted_slots_, env_, ifindex_, m);
  if (!built.ok()) return built.status();
  if (!*built) return MaybeReport();
  auto delta = Reconcile(m.after, m.live);
  if (!delta.ok()) return delta.status();
  CollectStale(*delta);
  describe.Done();
  DirectorReport r;
  r.genid = snapshot_->genid;
  if (delta->empty()) return MaybeReport(r);
  PhaseTimer resolve("handles");
  auto handles = ResolveHandles(*delta, m.live, *env_.nft);
  if (!handles.ok()) return handles.status();
  if (!*handles) return MaybeReport();
  resolve.Done();
  PhaseTimer commit("commit");
  auto res =
      env_.nft->Commit({&*delta, &m.after, ifindex_, snapshot_->genid, true});
  commit.Done();
  if (!res.ok()) return res.status();
  if (res->restart) return MaybeReport();
  if (!res->errors.empty()) return Status::Error(JoinErrors(res->errors));
  r.attempts = 1;
  r.committed = res->committed;
  r.messages = res->messages;
  r.bytes = res->bytes;
  r.lines = DeltaReport(*delta);
  r.nft_changes = delta->changes.size();
  r.stale_slots = delta->StaleSlots();
  PhaseTimer patch("patch");
  Patch(*snapshot_, m, *delta, inc);
  patch.Done();
  r.genid = snapshot_->genid = NextGen(snapshot_->genid);
  applied_.reset();  // the kernel no longer holds the last full plan
  return NoteIncrement(inc.config_text, r);
}

void Director::PrepareIncrements(const plan::Plan& p) {
  if (!snapshot_) return;
  for (const auto& t : p.tables) {
    LiveTable* st = FindTable(snapshot_->tables, t.family, t.name);
    if (!st) continue;
    for (const auto& s : t.sets) {
      LiveSet* ls = SlotMap(s) ? FindSet(*st, s.name) : nullptr;
      if (ls) SortByMark(*st, *ls, sorted_slots_);
    }
  }
}

Result<std::optional<DirectorReport>> Director::NoteIncrement(
    const std::shared_ptr<const std::string>& config_text,
    const DirectorReport& r) {
  if (!state_) return MaybeReport(r);
  state_->genid = state_genid_ = r.genid;
  // The same text as the last increment's (every `ctl set`): nothing to
  // compare. Only a reload brings a new one.
  if (config_text && config_text == noted_text_) return MaybeReport(r);
  noted_text_ = config_text;
  static const std::string kNoText;
  const std::string& text = config_text ? *config_text : kNoText;
  if (state_->config_text == text) return MaybeReport(r);
  // A reload changed the file: status and diff label with the new one.
  state_->config_text = text;
  unsaved_ = true;
  if (defer_saves_) return MaybeReport(r);
  Status s = FlushState();
  if (!s.ok()) return s;
  return MaybeReport(r);
}

Status Director::FlushState() {
  if (!state_ || !unsaved_) return Status();
  // Under the lock, as every write of the state files: never interleaved
  // with another lvsnft process's.
  auto lock = HostLock::Take(env_.lock_path);
  if (!lock.ok()) return lock.status();
  unsaved_ = false;
  return env_.store->Save(*state_);
}

}  // namespace lvsnft::netlink
