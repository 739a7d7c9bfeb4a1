// FakeNft and ApplyToLive: nf_tables semantics on LiveTables, in memory.
#include "kernel/sim/sim_nft.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace lvsnft::netlink {

namespace {

Status ApplyElems(const Change& c, LiveSet& set) {
  const auto& changes = c.Elements();
  // Keys point into the elements: no reallocation while they are in use.
  set.elements.reserve(set.elements.size() + changes.size());
  std::unordered_map<ElementKey, size_t, ElementKeyHash> index;
  for (size_t i = 0; i < set.elements.size(); ++i)
    index[ElementKey::Of(set.elements[i])] = i;
  std::vector<bool> gone(set.elements.size(), false);
  for (const auto& r : changes) {
    auto it = index.find(ElementKey::Of(r));
    if (c.kind == ChangeKind::kDelElems) {
      if (it == index.end() || gone[it->second]) {
        return Status::Error(c.what +
                             ": element not found (No such file or directory)");
      }
      gone[it->second] = true;
      continue;
    }
    if (it != index.end() && !gone[it->second]) {
      return Status::Error(c.what + ": element exists (File exists)");
    }
    set.elements.push_back(r.ToLive());
    index[ElementKey::Of(set.elements.back())] = set.elements.size() - 1;
    gone.push_back(false);
  }
  index.clear();  // before elements move
  size_t w = 0;
  for (size_t i = 0; i < set.elements.size(); ++i) {
    if (gone[i]) continue;
    if (w != i) set.elements[w] = std::move(set.elements[i]);
    ++w;
  }
  set.elements.resize(w);
  set.stats.clear();  // a dump of the simulated kernel has none
  return Status();
}

Status ApplyRule(const Change& c, LiveChain& chain, uint64_t& next_handle) {
  if (c.kind == ChangeKind::kDelRule) {
    auto it =
        std::find_if(chain.rules.begin(), chain.rules.end(),
                     [&](const LiveRule& r) { return r.handle == c.handle; });
    if (it == chain.rules.end())
      return Status::Error(c.what + ": no such rule");
    chain.rules.erase(it);
    return Status();
  }
  LiveRule r;
  r.handle = next_handle ? next_handle++ : 0;
  r.tag = c.rule_tag;
  r.comment = c.rule->comment;
  auto pos = chain.rules.end();
  if (c.handle) {
    pos = std::find_if(chain.rules.begin(), chain.rules.end(),
                       [&](const LiveRule& x) { return x.handle == c.handle; });
    if (pos == chain.rules.end())
      return Status::Error(c.what + ": no such position");
  }
  chain.rules.insert(pos, r);
  return Status();
}

}  // namespace

Status ApplyToLive(const Delta& delta, const std::vector<DesiredTable>& desired,
                   std::vector<LiveTable>& tables, uint64_t& next_handle) {
  for (const auto& c : delta.changes) {
    const DesiredTable* d = c.table ? FindDesired(desired, c.table) : nullptr;
    plan::TableFamily fam = c.table  ? c.table->family
                            : c.live ? c.live->family
                                     : plan::TableFamily::kInet;
    std::string name = c.table ? c.table->name : c.live ? c.live->name : "";
    if (c.kind == ChangeKind::kAddTable) {
      LiveTable t;
      t.family = fam;
      t.name = name;
      t.comment = c.table->comment;
      t.tag = d ? d->tag : 0;
      t.handle = next_handle ? next_handle++ : 0;
      tables.push_back(std::move(t));
      continue;
    }
    LiveTable* t = FindTable(tables, fam, name);
    if (!t) return Status::Error(c.what + ": table not found");
    switch (c.kind) {
      case ChangeKind::kDelTable:
        tables.erase(tables.begin() + (t - tables.data()));
        break;
      case ChangeKind::kAddSet:
        t->sets.push_back(LiveSet{c.set, next_handle ? next_handle++ : 0});
        t->sets.back().tag = d->set_tags.at(c.set);
        break;
      case ChangeKind::kAddChain:
        t->chains.push_back(
            LiveChain{c.chain, next_handle ? next_handle++ : 0});
        t->chains.back().tag = d->chain_tags.at(c.chain);
        break;
      case ChangeKind::kDelSet:
        std::erase_if(t->sets, [&](auto& s) { return s.name == c.set; });
        break;
      case ChangeKind::kDelChain:  // as nf_tables: ENOENT
        if (!std::erase_if(t->chains,
                           [&](auto& x) { return x.name == c.chain; }))
          return Status::Error(c.what + ": chain not found");
        break;
      case ChangeKind::kAddElems:
      case ChangeKind::kDelElems: {
        LiveSet* s = FindSet(*t, c.set);
        if (!s) return Status::Error(c.what + ": set not found");
        Status st = ApplyElems(c, *s);
        if (!st.ok()) return st;
        break;
      }
      case ChangeKind::kAddRule:
      case ChangeKind::kDelRule: {
        LiveChain* ch = FindChain(*t, c.chain);
        if (!ch) return Status::Error(c.what + ": chain not found");
        Status st = ApplyRule(c, *ch, next_handle);
        if (!st.ok()) return st;
        break;
      }
      default:
        break;
    }
  }
  return Status();
}

Result<std::vector<LiveRule>> FakeNft::DumpChain(plan::TableFamily family,
                                                 const std::string& table,
                                                 const std::string& chain) {
  const LiveTable* t = FindTable(tables_, family, table);
  if (const LiveChain* c = t ? FindChain(*t, chain) : nullptr) return c->rules;
  return Status::Error("chain " + chain + " not found");
}

Result<std::vector<LiveTable>> FakeNft::Dump(bool with_elements) {
  ++dumps_;
  std::vector<LiveTable> out = tables_;
  if (!with_elements) {
    for (auto& t : out) {
      for (auto& s : t.sets) s.elements.clear();
    }
  }
  return out;
}

Result<CommitResult> FakeNft::Commit(const CommitInput& in) {
  CommitResult r;
  r.messages = in.delta->changes.size() + 2;
  if (races_ > 0) {
    --races_;
    ++genid_;
  }
  if (in.genid != genid_) {
    r.restart = true;
    return r;
  }
  auto copy = tables_;
  uint64_t handle = next_handle_;
  Status st = ApplyToLive(*in.delta, *in.desired, copy, handle);
  if (!st.ok()) {
    r.errors.push_back(st.message());
    return r;
  }
  if (!in.commit) return r;
  tables_ = std::move(copy);
  next_handle_ = handle;
  ++genid_;
  ++commits_;
  r.committed = true;
  return r;
}

}  // namespace lvsnft::netlink
