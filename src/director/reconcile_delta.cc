// Reconcile(): the Delta, the ordered list of changes from live to desired
// (and the stale slots it leaves or collects).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <unordered_map>

#include "director/reconcile.h"

namespace lvsnft::netlink {

namespace {

uint32_t SlotUnit(std::span<const uint8_t> key) {
  uint32_t m;
  std::memcpy(&m, key.data(), 4);
  return m / 4096;
}

// The desired elements of one set by identity: open addressing over a
// power-of-two table of (index + 1), at most half full. Four bytes per
// slot where a node-based map took a 64-byte heap block per element (7 MB
// for a 100k-slot map) and a malloc each.
class ElementIndex {
 public:
  explicit ElementIndex(const std::vector<RawElement>& elems) : elems_(elems) {
    size_t cap = 16;
    while (cap < 2 * elems.size()) cap <<= 1;
    slots_.assign(cap, 0);
    for (size_t i = 0; i < elems.size(); ++i) Insert(i);
  }
  /// The index of the (first) element with identity `k`, or -1.
  ptrdiff_t Find(const ElementKey& k) const {
    for (size_t at = Home(k);; at = (at + 1) & (slots_.size() - 1)) {
      uint32_t s = slots_[at];
      if (s == 0) return -1;
      if (ElementKey::Of(elems_[s - 1]) == k) return ptrdiff_t{s} - 1;
    }
  }

 private:
  size_t Home(const ElementKey& k) const {
    return ElementKeyHash()(k) & (slots_.size() - 1);
  }
  // Like a map's emplace: a duplicate identity keeps the first element.
  void Insert(size_t i) {
    const ElementKey k = ElementKey::Of(elems_[i]);
    for (size_t at = Home(k);; at = (at + 1) & (slots_.size() - 1)) {
      uint32_t& s = slots_[at];
      if (s != 0 && ElementKey::Of(elems_[s - 1]) == k) return;
      if (s == 0) {
        s = static_cast<uint32_t>(i + 1);
        return;
      }
    }
  }
  const std::vector<RawElement>& elems_;
  std::vector<uint32_t> slots_;
};

// Slot blocks are aligned to 4096 marks and owned by one service: a
// removed slot element is attributed to the service owning its block.
std::unordered_map<uint32_t, ElementOrigin> UnitOwners(
    const std::vector<RawElement>& desired) {
  std::unordered_map<uint32_t, ElementOrigin> by_unit;
  for (const auto& e : desired) {
    if (e.key.size() == 4 && e.src) by_unit[SlotUnit(e.key)] = e.src;
  }
  return by_unit;
}

// Slot elements of one set that no desired rule reaches.
struct Vanished {
  const LiveTable* live = nullptr;
  std::string set;
  std::vector<RawElement> elements;
};

struct Builder {
  std::vector<Change> changes;
  std::vector<Change> stale, collect;
  std::vector<Vanished> vanished;  ///< Of the table being updated.
  /// Set: the desired tables hold no elements; each set's are encoded by
  /// it when that set is reconciled, and dropped after (see Reconcile).
  const ElementEncoder* encode = nullptr;
  Status failed;  ///< The first set whose elements could not be encoded.

  // The desired elements of `s`: the table's, or (per-set mode) encoded
  // into `own`. nullptr when there are none, or they could not be encoded.
  const std::vector<RawElement>* Desired(const DesiredTable& d,
                                         const plan::Set& s,
                                         std::vector<RawElement>& own) {
    auto it = d.elements.find(s.name);
    if (it != d.elements.end()) return &it->second;
    if (!encode || s.dynamic || !failed.ok()) return nullptr;
    auto raw = DesiredElements(s, *encode);
    if (!raw.ok()) {
      failed = raw.status();
      return nullptr;
    }
    own = std::move(*raw);
    return &own;
  }

  Change& Add(ChangeKind k, const DesiredTable* d, const LiveTable* l) {
    Change op;
    op.kind = k;
    op.table = d ? d->table : nullptr;
    op.live = l;
    changes.push_back(std::move(op));
    return changes.back();
  }

  void AddRules(const DesiredTable& d, const plan::Chain& c,
                const std::vector<size_t>& which, uint64_t before,
                int before_index = -1) {
    const auto& tags = d.rule_tags.at(c.name);
    for (size_t i : which) {
      Change& op = Add(ChangeKind::kAddRule, &d, nullptr);
      op.chain = c.name;
      op.rule = &c.rules[i];
      op.rule_tag = tags[i];
      op.handle = before;
      op.live_index = before_index;
      op.service = c.rules[i].service;
      op.what = "rule \"" + c.rules[i].comment + "\" in chain " + c.name;
    }
  }

  // Every element of a desired set, by reference (see Change::whole_set),
  // or in per-set mode its own.
  void AddWholeSet(const DesiredTable& d, const plan::Set& s) {
    std::vector<RawElement> own;
    const std::vector<RawElement>* all = Desired(d, s, own);
    if (!all || all->empty()) return;
    if (all == &own) return AddElems(d, s.name, std::move(own));
    Change& op = Add(ChangeKind::kAddElems, &d, nullptr);
    op.set = s.name;
    op.what = std::to_string(all->size()) + " element(s) of " + s.name;
    op.whole_set = all;
  }

  void AddElems(const DesiredTable& d, const std::string& set,
                std::vector<RawElement> elems) {
    if (elems.empty()) return;
    Change& op = Add(ChangeKind::kAddElems, &d, nullptr);
    op.set = set;
    op.what = std::to_string(elems.size()) + " element(s) of " + set;
    op.elements = std::move(elems);
  }

  void FullCreate(const DesiredTable& d) {
    // Sized once: the changes stay resident through the transaction, and a
    // doubled vector's unused half would too (2 MB at NAT 10k x 10).
    size_t n = changes.size() + 1 + 2 * d.table->sets.size();
    for (const auto& c : d.table->chains) n += 1 + c.rules.size();
    changes.reserve(n);
    Add(ChangeKind::kAddTable, &d, nullptr).what = "table " + d.table->name;
    for (const auto& s : d.table->sets) {
      Change& op = Add(ChangeKind::kAddSet, &d, nullptr);
      op.set = s.name;
      op.what = "set " + s.name;
      AddWholeSet(d, s);
    }
    for (const auto& c : d.table->chains) {
      Change& op = Add(ChangeKind::kAddChain, &d, nullptr);
      op.chain = c.name;
      op.plan_chain = &c;
      op.service = c.service;
      op.what = "chain " + c.name;
    }
    for (const auto& c : d.table->chains) {
      std::vector<size_t> all(c.rules.size());
      for (size_t i = 0; i < all.size(); ++i) all[i] = i;
      AddRules(d, c, all, 0);
    }
  }

  // A set deleted in this transaction still holds its elements' chain
  // references while the batch deletes chains (sets go last), so a chain
  // that only such an element jumps to is busy: delete those elements first
  // (the element deletes precede the chain deletes).
  void ReleaseChains(const LiveSet& s, const LiveTable& l) {
    std::vector<RawElement> refs;
    for (const auto& e : s.elements) {
      if (e.chain.empty()) continue;
      refs.push_back(
          {e.key, e.key_end, e.data, false, e.flags, e.verdict, e.chain});
    }
    if (refs.empty()) return;
    Change& op = Add(ChangeKind::kDelElems, nullptr, &l);
    op.set = s.name;
    op.what = std::to_string(refs.size()) + " element(s) of " + s.name +
              " (set removed)";
    op.elements = std::move(refs);
  }

  void DiffRules(const DesiredTable& d, const plan::Chain& c,
                 const LiveChain* live, const LiveTable* lt);
  void DiffElements(const DesiredTable& d, const plan::Set& s,
                    const LiveSet& live, const LiveTable& lt);
  void Update(const DesiredTable& d, const LiveTable& l);
  void SettleStale(size_t first);
};

void Builder::DiffRules(const DesiredTable& d, const plan::Chain& c,
                        const LiveChain* live, const LiveTable* lt) {
  const auto& want = d.rule_tags.at(c.name);
  std::vector<uint64_t> have;
  if (live) {
    for (const auto& r : live->rules) have.push_back(r.tag);
  }
  auto kept = MatchTags(have, want);
  std::vector<bool> keep_live(have.size(), false),
      have_want(want.size(), false);
  for (auto [i, j] : kept) keep_live[i] = have_want[j] = true;
  for (size_t i = 0; i < have.size(); ++i) {
    if (keep_live[i]) continue;
    Change& op = Add(ChangeKind::kDelRule, nullptr, lt);
    op.chain = c.name;
    op.handle = live->rules[i].handle;
    op.live_index = static_cast<int>(i);
    op.service = c.service;
    op.what = "rule \"" + live->rules[i].comment + "\" in chain " + c.name;
  }
  // New rules go before the next kept live rule (or at the end).
  size_t k = 0;
  std::vector<size_t> run;
  for (size_t j = 0; j <= want.size(); ++j) {
    if (j < want.size() && !have_want[j]) {
      run.push_back(j);
      continue;
    }
    uint64_t before = 0;
    int before_index = -1;
    if (j < want.size()) {
      while (k < kept.size() && kept[k].second != j) ++k;
      before = live->rules[kept[k].first].handle;
      before_index = static_cast<int>(kept[k].first);
    }
    if (!run.empty()) AddRules(d, c, run, before, before_index);
    run.clear();
  }
}

void Builder::DiffElements(const DesiredTable& d, const plan::Set& s,
                           const LiveSet& live, const LiveTable& lt) {
  std::vector<RawElement> own;
  const std::vector<RawElement>* all = Desired(d, s, own);
  if (!all) return;  // not encodable: `failed` says why
  const std::vector<RawElement>& desired = *all;
  const ElementIndex want(desired);
  std::unordered_map<uint32_t, ElementOrigin> by_unit = UnitOwners(desired);
  std::vector<bool> matched(desired.size(), false);
  std::vector<RawElement> del, add, gone;
  // Slot maps: mark -> data, looked up with a slot a rule computed.
  const bool slot_map = s.key.size() == 1 &&
                        s.key[0] == plan::DataType::kMark && !s.verdict_map &&
                        !s.interval && !s.data.empty();
  for (const auto& le : live.elements) {
    const ptrdiff_t found = want.Find(ElementKey::Of(le));
    const size_t at = static_cast<size_t>(found);
    if (found >= 0) {
      matched[at] = true;
      if (SameValue(desired[at], le)) continue;
    }
    RawElement r{le.key,   le.key_end, le.data, false,
                 le.flags, le.verdict, le.chain};
    if (found >= 0) {
      r.src = desired[at].src;
      r.replaced = true;
      add.push_back(desired[at]);
      add.back().replaced = true;
    } else if (r.key.size() == 4 && by_unit.count(SlotUnit(r.key))) {
      r.src = by_unit[SlotUnit(r.key)];
    }
    (found < 0 && slot_map ? gone : del).push_back(std::move(r));
  }
  // Elements encoded for this set alone are dropped on return: the new
  // ones move into the change (the index views them no more).
  for (size_t i = 0; i < desired.size(); ++i) {
    if (matched[i]) continue;
    add.push_back(all == &own ? std::move(own[i]) : desired[i]);
  }
  std::sort(add.begin(), add.end(),
            [](const RawElement& a, const RawElement& b) {
              return a.src_index < b.src_index;
            });
  if (!del.empty()) {
    Change& op = Add(ChangeKind::kDelElems, nullptr, &lt);
    op.set = s.name;
    op.what = std::to_string(del.size()) + " element(s) of " + s.name;
    op.elements = std::move(del);
  }
  AddElems(d, s.name, std::move(add));
  if (!gone.empty()) vanished.push_back({&lt, s.name, std::move(gone)});
}

Change StaleChange(const Vanished& v, std::vector<RawElement> elems) {
  Change op;
  op.kind = ChangeKind::kDelElems;
  op.live = v.live;
  op.set = v.set;
  op.stale = true;
  op.what = std::to_string(elems.size()) + " stale slot(s) of " + v.set;
  op.elements = std::move(elems);
  return op;
}

// Sorts the vanished slots of a table (its changes start at `first`) into
// stale and collectable. A slot block belongs to one service: its vanished
// slots are unreachable by the live rules too when this transaction keeps
// that service's rules as they are. Blocks no desired service owns belonged
// to a removed service: collectable once no chain is being deleted.
void Builder::SettleStale(size_t first) {
  std::set<std::string, std::less<>> moved;
  bool chain_deleted = false;
  for (size_t i = first; i < changes.size(); ++i) {
    const Change& c = changes[i];
    if (c.kind == ChangeKind::kDelChain || c.kind == ChangeKind::kDelTable)
      chain_deleted = true;
    if (c.kind == ChangeKind::kDelRule || c.kind == ChangeKind::kAddRule ||
        c.kind == ChangeKind::kAddChain)
      moved.insert(c.service);
  }
  for (auto& v : vanished) {
    std::vector<RawElement> keep, gone;
    for (auto& e : v.elements) {
      bool reachable = e.src ? moved.count(e.src.service()) > 0 : chain_deleted;
      (reachable ? keep : gone).push_back(std::move(e));
    }
    if (!keep.empty()) stale.push_back(StaleChange(v, std::move(keep)));
    if (!gone.empty()) collect.push_back(StaleChange(v, std::move(gone)));
  }
  vanished.clear();
}

void Builder::Update(const DesiredTable& d, const LiveTable& l) {
  const size_t first = changes.size();
  std::map<std::string, const LiveSet*> lsets;
  std::map<std::string, const LiveChain*> lchains;
  for (const auto& s : l.sets) lsets[s.name] = &s;
  for (const auto& c : l.chains) lchains[c.name] = &c;
  for (const auto& s : d.table->sets) {
    auto it = lsets.find(s.name);
    if (it == lsets.end()) {
      Change& op = Add(ChangeKind::kAddSet, &d, nullptr);
      op.set = s.name;
      op.what = "set " + s.name;
      AddWholeSet(d, s);
    } else if (!s.dynamic) {
      DiffElements(d, s, *it->second, l);
    }
  }
  for (const auto& c : d.table->chains) {
    if (lchains.count(c.name)) continue;
    Change& op = Add(ChangeKind::kAddChain, &d, nullptr);
    op.chain = c.name;
    op.plan_chain = &c;
    op.service = c.service;
    op.what = "chain " + c.name;
  }
  for (const auto& c : d.table->chains) {
    auto it = lchains.find(c.name);
    DiffRules(d, c, it == lchains.end() ? nullptr : it->second, &l);
  }
  for (const auto& c : l.chains) {
    if (d.chain_tags.count(c.name)) continue;
    Change& op = Add(ChangeKind::kDelChain, nullptr, &l);
    op.chain = c.name;
    op.handle = c.handle;
    op.what = "chain " + c.name;
  }
  for (const auto& s : l.sets) {
    if (d.set_tags.count(s.name) || s.name.rfind("__", 0) == 0) continue;
    ReleaseChains(s, l);
    Change& op = Add(ChangeKind::kDelSet, nullptr, &l);
    op.set = s.name;
    op.handle = s.handle;
    op.what = "set " + s.name;
  }
  SettleStale(first);
}

// A set or chain whose declaration changed cannot be altered in place.
bool Structural(const DesiredTable& d, const LiveTable& l) {
  for (const auto& s : l.sets) {
    auto it = d.set_tags.find(s.name);
    if (it != d.set_tags.end() && it->second != s.tag) return true;
  }
  for (const auto& c : l.chains) {
    auto it = d.chain_tags.find(c.name);
    if (it != d.chain_tags.end() && it->second != c.tag) return true;
  }
  return l.tag != d.tag;
}

// Batch order: by kind, stable within a kind. A counting sort over the
// few kinds: each Change (a large object) moves once, where a stable
// merge sort moved it log n times (4% of a mixed 10k x 10 apply's time).
void SortChanges(std::vector<Change>& changes) {
  auto kind = [](const Change& c) { return static_cast<size_t>(c.kind); };
  auto before = [&](const Change& x, const Change& y) {
    return kind(x) < kind(y);
  };
  if (std::is_sorted(changes.begin(), changes.end(), before)) return;
  constexpr size_t kKinds = static_cast<size_t>(ChangeKind::kDelSet) + 1;
  std::array<size_t, kKinds + 1> next{};  // first slot of each kind
  for (const auto& c : changes) ++next[kind(c) + 1];
  for (size_t k = 1; k <= kKinds; ++k) next[k] += next[k - 1];
  std::vector<Change> sorted(changes.size());
  for (auto& c : changes) sorted[next[kind(c)]++] = std::move(c);
  changes = std::move(sorted);
}

}  // namespace

bool Owned(const LiveTable& t) {
  return t.tag != 0 || t.comment.empty() || t.comment == plan::kOwnerComment;
}

Result<Delta> Reconcile(const std::vector<DesiredTable>& desired,
                        const std::vector<LiveTable>& live,
                        const ElementEncoder* per_set) {
  Builder b;
  b.encode = per_set;
  for (const auto& d : desired) {
    const LiveTable* lt = FindTable(live, d.table->family, d.table->name);
    if (!lt) {
      b.FullCreate(d);
      continue;
    }
    if (!Owned(*lt)) {
      return Status::Error(std::string("table ") +
                           plan::FamilyKeyword(d.table->family) + " " +
                           d.table->name +
                           " exists but is not managed by lvsnft; refusing to "
                           "touch it");
    }
    if (Structural(d, *lt)) {
      Change op;
      op.kind = ChangeKind::kDelTable;
      op.live = lt;
      op.what = "table " + lt->name + " (declarations changed: rebuilt)";
      b.changes.push_back(op);
      b.FullCreate(d);
    } else {
      b.Update(d, *lt);
    }
  }
  for (const auto& l : live) {
    bool wanted = std::any_of(desired.begin(), desired.end(), [&](auto& d) {
      return d.table->name == l.name && l.family == d.table->family;
    });
    if (wanted || !Owned(l)) continue;
    Change op;
    op.kind = ChangeKind::kDelTable;
    op.live = &l;
    op.what = "table " + l.name + " (no longer needed)";
    b.changes.push_back(op);
  }
  if (!b.failed.ok()) return b.failed;
  SortChanges(b.changes);
  return Delta{std::move(b.changes), std::move(b.stale), std::move(b.collect)};
}

void CollectStale(Delta& d) {
  for (auto& c : d.collect) d.changes.push_back(std::move(c));
  d.collect.clear();
  SortChanges(d.changes);
}

}  // namespace lvsnft::netlink
