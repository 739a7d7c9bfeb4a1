#include "director/director.h"

#include <functional>
#include <map>

#include "base/timing.h"
#include "compiler/lower_util.h"
#include "director/director_internal.h"
#include "director/host_lock.h"

namespace lvsnft::netlink {

namespace {

// Desired tables and the delta against the live tables.
struct Computed {
  uint32_t genid = 0;
  std::string instance;        ///< Ruleset instance `genid` counts in.
  bool from_snapshot = false;  ///< `live` is the snapshot, not a dump.
  std::vector<LiveTable> live;
  std::vector<DesiredTable> desired;
  Delta delta;
  /// Made while the kernel processed this delta's transaction: valid only
  /// when it was committed (see Transact).
  bool prepared = false;
  DirectorReport report;  ///< ReportDelta's part of the report.
};

// Work on a computed transaction that needs only its outcome to be kept.
using Prepare = std::function<void(Computed&)>;

// How Compute reads the live tables.
enum class LiveSource {
  kDump,          ///< Always a full dump.
  kSnapshot,      ///< The snapshot when valid, with rule handles resolved.
  kSnapshotOnly,  ///< The snapshot when valid; no handles (diff).
};

// With `per_set` (a report only: nothing is committed), each set's desired
// elements are encoded while it is compared and dropped after (see
// Reconcile): `desired` then holds tags only.
Result<std::unique_ptr<Computed>> Compute(
    const plan::Plan& p, DirectorEnv& env,
    const std::map<std::string, uint32_t>& ifindex, LiveSource src,
    const SnapshotSource& snapshots, bool per_set = false) {
  auto c = std::make_unique<Computed>();
  PhaseTimer dump("dump");
  auto gen = env.nft->GenId();
  if (!gen.ok()) return gen.status();
  c->genid = *gen;
  auto instance = env.nft->Instance();
  if (!instance.ok()) return instance.status();
  c->instance = *instance;
  std::optional<Snapshot> snap;
  if (src != LiveSource::kDump) snap = snapshots(c->genid, c->instance);
  if (snap && snap->genid == c->genid && snap->instance == c->instance) {
    c->live = std::move(snap->tables);
    c->from_snapshot = true;
  } else {
    auto live = env.nft->Dump(true);
    if (!live.ok()) return live.status();
    c->live = std::move(*live);
  }
  dump.Done();
  PhaseTimer describe("describe");
  for (const auto& t : p.tables) {
    auto d = ToDesired(t, env.encode, ifindex, !per_set);
    if (!d.ok()) return d.status();
    c->desired.push_back(std::move(*d));
  }
  describe.Done();
  ReportMemory("after describe");
  PhaseTimer reconcile("reconcile");
  auto delta = Reconcile(c->desired, c->live, per_set ? &env.encode : nullptr);
  if (!delta.ok()) return delta.status();
  c->delta = std::move(*delta);
  reconcile.Done();
  if (c->from_snapshot && src == LiveSource::kSnapshot) {
    auto ok = ResolveHandles(c->delta, c->live, *env.nft);
    if (!ok.ok()) return ok.status();
    if (!*ok)
      return Compute(p, env, ifindex, LiveSource::kDump, snapshots, per_set);
  }
  return c;
}

// What the kernel holds after `c` was committed (the desired tables plus
// the stale slots the transaction left: that is what it made them,
// generation `genid`), or the live tables when they were found in sync.
Snapshot AfterCommit(Computed& c, bool committed, uint32_t genid) {
  Snapshot s;
  s.genid = genid;
  s.instance = c.instance;
  if (committed) {
    // The changes are spent (reported, and their elements are the desired
    // tables'): released before the snapshot's elements are made, so the
    // two do not add up at the peak (7.6 MB at NAT 10k x 10).
    std::vector<Change>().swap(c.delta.changes);
    // The desired tables are spent too: their elements move to the
    // snapshot, each set's released as soon as it moved (LiveFromDesired).
    for (auto& d : c.desired) s.tables.push_back(LiveFromDesired(std::move(d)));
    c.desired.clear();
    KeepStale(c.delta, s.tables);
  } else {
    s.tables = std::move(c.live);
  }
  return s;
}

void AddHostLines(const std::vector<HostChange>& h, DirectorReport& r) {
  for (const auto& c : h) r.lines.push_back({c.service, c.sign, c.what, true});
  r.host_changes += h.size();
}

// The report of the delta and the host changes: its lines, or only their
// counts when there are more than `max_lines` (0: no limit).
void ReportDelta(const Computed& c, const std::vector<HostChange>& host,
                 size_t max_lines, DirectorReport& r) {
  r.nft_changes = c.delta.changes.size();
  r.stale_slots = c.delta.StaleSlots();
  if (max_lines > 0) {
    ReportCounts n = CountReport(c.delta, host, max_lines);
    if (n.lines > max_lines) {
      r.counts = n;
      r.host_changes += host.size();
      return;
    }
  }
  r.lines = DeltaReport(c.delta);
  AddHostLines(host, r);
}

// The report, made on the second core while the kernel works through the
// transaction. (The snapshot the commit leaves is made after it: made
// during the send it would coexist with the batch pages, 97 MB at mixed
// 10k x 10, and raise the peak resident size by as much.)
Prepare PrepareReport(const std::vector<HostChange>& host,
                      const ApplyOptions& o) {
  return [&host, &o](Computed& c) {
    ReportDelta(c, host, o.max_lines, c.report);
    c.prepared = true;
  };
}

// The report of a returned transaction: the one prepared (then `r` has
// only Transact's fields), or made now.
void FinishReport(Computed& c, const std::vector<HostChange>& host,
                  size_t max_lines, DirectorReport& r) {
  PhaseTimer report("report");
  if (!c.prepared) return ReportDelta(c, host, max_lines, r);
  r.lines = std::move(c.report.lines);
  r.counts = std::move(c.report.counts);
  r.nft_changes = c.report.nft_changes;
  r.stale_slots = c.report.stale_slots;
  r.host_changes = c.report.host_changes;
}

// Sends the transaction, re-reading and recomputing when another writer
// changed the ruleset in between (generation id check). `prepare` (when
// set) may run on a second thread while the kernel processes a committing
// batch; the returned Computed says whether it ran for it.
Result<std::unique_ptr<Computed>> Transact(
    const plan::Plan& p, const ApplyOptions& o, DirectorEnv& env,
    const std::map<std::string, uint32_t>& ifindex,
    const SnapshotSource& snapshots, const Prepare& prepare,
    DirectorReport& r) {
  for (int attempt = 1; attempt <= o.max_attempts; ++attempt) {
    auto c = Compute(
        p, env, ifindex,
        attempt == 1 && !o.dry_run ? LiveSource::kSnapshot : LiveSource::kDump,
        snapshots);
    if (!c.ok()) return c.status();
    CollectStale((*c)->delta);
    if ((*c)->delta.empty()) return c;
    CommitInput in{&(*c)->delta, &(*c)->desired, ifindex, (*c)->genid,
                   !o.dry_run};
    // A refused, failed or restarted attempt drops its Computed, and with
    // it what was prepared.
    if (prepare && in.commit) in.while_sending = [&] { prepare(**c); };
    PhaseTimer commit("commit");
    auto res = env.nft->Commit(in);
    commit.Done();
    ReportMemory("after commit");
    if (!res.ok()) return res.status();
    r.attempts = attempt;
    r.messages = res->messages;
    r.bytes = res->bytes;
    if (res->restart) continue;
    if (!res->errors.empty()) return Status::Error(JoinErrors(res->errors));
    r.committed = res->committed;
    return c;
  }
  return Status::Error("the ruleset kept changing under lvsnft (" +
                       std::to_string(o.max_attempts) +
                       " attempts); another program is writing it; nothing "
                       "was changed");
}

// lvsnft's objects were found without a trustworthy state file: the values
// the forwarding sysctls had before lvsnft are unknown. They are left as
// they are, and the report says which ones.
void NoteUnknownSysctls(Sysctls& sys, DirectorReport& r) {
  for (const char* path : {lower::kIpv4Forward, lower::kIpv6Forward}) {
    auto v = sys.Read(path);
    if (!v.ok() || !v->exists || v->value != "1") continue;
    r.lines.push_back({"", '?',
                       "sysctl " + DisplayName(path) +
                           " left as it is (1): its value before lvsnft is "
                           "unknown (no trustworthy state file)",
                       true});
  }
}

// Sets the config text aside in the store (see ApplyOptions::stage_config)
// and frees it.
Status SetAside(StateStore& store, std::string& text) {
  Status s = store.StageConfig(&text);
  if (s.ok()) std::string().swap(text);
  return s;
}

}  // namespace

// With a snapshot, rule handles are unknown: dump just the chains whose
// rules change and take the handles by position.
Result<bool> ResolveHandles(Delta& delta, std::vector<LiveTable>& live,
                            NftKernel& nft) {
  std::map<std::string, bool> dumped;
  for (auto& ch : delta.changes) {
    bool needs =
        (ch.kind == ChangeKind::kDelRule || ch.kind == ChangeKind::kAddRule) &&
        ch.live_index >= 0 && ch.handle == 0;
    if (!needs) continue;
    // kAddRule names the desired table: its live twin has the same id.
    LiveTable* t = ch.live ? FindTable(live, ch.live->family, ch.live->name)
                           : FindTable(live, ch.table->family, ch.table->name);
    LiveChain* lc = t ? FindChain(*t, ch.chain) : nullptr;
    if (!lc) return false;
    std::string key = t->name + plan::FamilyKeyword(t->family) + "/" + ch.chain;
    if (!dumped[key]) {
      auto rules = nft.DumpChain(t->family, t->name, ch.chain);
      if (!rules.ok()) return rules.status();
      if (rules->size() != lc->rules.size()) return false;
      for (size_t i = 0; i < rules->size(); ++i) {
        if ((*rules)[i].tag != lc->rules[i].tag) return false;
      }
      lc->rules = std::move(*rules);
      dumped[key] = true;
    }
    ch.handle = lc->rules.at(ch.live_index).handle;
  }
  return true;
}

void KeepStale(const Delta& d, std::vector<LiveTable>& tables) {
  for (const auto& ch : d.stale) {
    LiveTable* t = FindTable(tables, ch.live->family, ch.live->name);
    LiveSet* s = t ? FindSet(*t, ch.set) : nullptr;
    if (!s) continue;
    for (const auto& e : ch.elements) s->elements.push_back(e.ToLive());
  }
}

std::string JoinErrors(const std::vector<std::string>& errors) {
  std::string out = "the kernel rejected the transaction; nothing was changed";
  for (const auto& e : errors) out += "\n  " + e;
  return out;
}

Result<Director::Snap> Director::Current() {
  auto gen = env_.nft->GenId();
  if (!gen.ok()) return gen.status();
  auto instance = env_.nft->Instance();
  if (!instance.ok()) return instance.status();
  return Snap{*gen, *instance};
}

Result<DirectorState> Director::LoadState(const Snap& now) {
  if (state_ && state_genid_ == now.genid && state_instance_ == now.instance)
    return *state_;
  state_.reset();
  return env_.store->Load();
}

Status Director::SaveState(const DirectorState& s) {
  state_.reset();  // until the operation knows the generation it holds at
  return env_.store->Save(s);
}

std::optional<Snapshot> Director::TakeSnapshot(const Snap& now) {
  std::optional<Snapshot> s = std::move(snapshot_);
  snapshot_.reset();
  if (s && s->genid == now.genid && s->instance == now.instance) return s;
  return env_.store->LoadSnapshot();
}

SnapshotSource Director::Snapshots() {
  return [this](uint32_t genid, const std::string& instance) {
    return TakeSnapshot({genid, instance});
  };
}

Result<Director::Started> Director::Start(const plan::Plan& p) {
  auto now = Current();
  if (!now.ok()) return now.status();
  auto st = LoadState(*now);
  if (!st.ok()) return st.status();
  auto hd = DiffHost(p.host, *st, *env_.net, *env_.sys);
  if (!hd.ok()) return hd.status();
  return Started{std::move(*st), std::move(*hd)};
}

Result<bool> Director::HostInSync(const plan::HostPlan& h) {
  auto now = Current();
  if (!now.ok()) return now.status();
  if (!state_ || !snapshot_ || state_genid_ != now->genid ||
      state_instance_ != now->instance)
    return false;
  auto hd = DiffHost(h, *state_, *env_.net, *env_.sys);
  if (!hd.ok()) return hd.status();
  return hd->empty() && hd->ifindex == ifindex_;
}

void Director::KeepSnapshot(Snapshot s, bool write) {
  DropStats(s.tables);  // counters are state of the moment, not kept
  if (write) env_.store->SaveSnapshot(&s);
  snapshot_ = std::move(s);
  sorted_slots_.clear();
}

Result<DirectorReport> Director::Apply(const plan::Plan& p, ApplyOptions o) {
  auto lock = HostLock::Take(env_.lock_path);
  if (!lock.ok()) return lock.status();
  auto start = Start(p);
  if (!start.ok()) return start.status();
  DirectorReport r;
  DirectorState* st = &start->state;
  HostDiff* hd = &start->host;
  const bool staged = o.stage_config && !o.dry_run;
  if (staged) {
    if (Status s = SetAside(*env_.store, o.config_text); !s.ok()) return s;
  }
  // Undoes what was done when the apply fails.
  auto undo = [&] {
    if (o.dry_run) return;
    RemoveCreatedTunnels(*hd, *st, *env_.net);
    SaveState(*st);
    if (staged) env_.store->StageConfig(nullptr);
  };
  if (!o.dry_run) {
    Status s = CreateTunnels(*hd, *st, *env_.net);
    if (s.ok()) s = SaveState(*st);
    if (!s.ok()) {
      undo();
      return s;
    }
  }
  const std::vector<HostChange> host = hd->Changes();
  auto c = Transact(p, o, env_, hd->ifindex, Snapshots(),
                    o.dry_run ? Prepare() : PrepareReport(host, o), r);
  if (!c.ok()) {
    undo();
    return c.status();
  }
  // Transact returns a prepared Computed only when it was committed.
  FinishReport(**c, host, o.max_lines, r);
  if (o.dry_run) return r;
  PhaseTimer save("finish");
  Status s = FinishHost(*hd, *st, *env_.net, *env_.sys);
  st->config_text = std::move(o.config_text);
  st->config_staged = staged;
  st->genid = r.committed ? NextGen((*c)->genid) : (*c)->genid;
  r.genid = st->genid;
  ifindex_ = hd->ifindex;
  // Unchanged and read from the snapshot: the file is still right.
  bool write = r.committed || !(*c)->from_snapshot;
  KeepSnapshot(AfterCommit(**c, r.committed, st->genid), write);
  Status saved = SaveState(*st);
  save.Done();
  ReportMemory("after finish");
  if (!s.ok())
    return Status::Error("ruleset applied, but host setup failed: " +
                         s.message());
  if (!saved.ok()) return saved;
  Remember(std::move(*st), o.keep_plan ? &p : nullptr);
  if (staged) state_.reset();  // its config text is in the store only
  return r;
}

void Director::Remember(DirectorState st, const plan::Plan* p) {
  state_genid_ = st.genid;
  state_ = std::move(st);
  state_->recorded = !state_->empty();
  noted_text_.reset();
  unsaved_ = false;
  state_instance_ = snapshot_ ? snapshot_->instance : "";
  if (p) {
    applied_ = *p;
  } else {
    applied_.reset();
  }
}

Result<DirectorReport> Director::Diff(const plan::Plan& p, bool full_dump) {
  auto start = Start(p);
  if (!start.ok()) return start.status();
  // The config text last applied is not compared here: not kept through
  // the peak (7 MB at NAT 10k x 10).
  std::string().swap(start->state.config_text);
  DirectorReport r;
  HostDiff* hd = &start->host;
  auto c = Compute(p, env_, hd->ifindex,
                   full_dump ? LiveSource::kDump : LiveSource::kSnapshotOnly,
                   Snapshots(), /*per_set=*/true);
  if (!c.ok()) return c.status();
  ReportDelta(**c, hd->Changes(), 0, r);
  if ((*c)->from_snapshot) {  // give it back for the next call
    KeepSnapshot({(*c)->genid, (*c)->instance, std::move((*c)->live)}, false);
  }
  return r;
}

Result<DirectorReport> Director::Destroy() {
  auto lock = HostLock::Take(env_.lock_path);
  if (!lock.ok()) return lock.status();
  DirectorReport r;
  auto live = env_.nft->Dump(false);
  if (!live.ok()) return live.status();
  std::vector<LiveTable> owned;
  for (auto& t : *live) {
    if (Owned(t)) owned.push_back(std::move(t));
  }
  auto delta = Reconcile({}, owned);
  if (!delta.ok()) return delta.status();
  if (!delta->empty()) {
    auto gen = env_.nft->GenId();
    if (!gen.ok()) return gen.status();
    std::vector<DesiredTable> none;
    auto res = env_.nft->Commit({&*delta, &none, {}, *gen, true});
    if (!res.ok()) return res.status();
    if (!res->errors.empty()) return Status::Error(JoinErrors(res->errors));
    r.attempts = 1;
    r.lines = DeltaReport(*delta);
    r.nft_changes = delta->changes.size();
  }
  state_.reset();
  snapshot_.reset();
  applied_.reset();
  auto st = env_.store->Load();
  if (!st.ok()) return st.status();
  std::vector<HostChange> done;
  Status s = UndoHost(*st, *env_.net, *env_.sys, done);
  AddHostLines(done, r);
  if (!st->recorded && (r.nft_changes > 0 || !done.empty())) {
    NoteUnknownSysctls(*env_.sys, r);
  }
  st->config_text.clear();
  env_.store->SaveSnapshot(nullptr);
  Status saved = env_.store->Save(*st);
  if (!s.ok()) return s;
  if (!saved.ok()) return saved;
  return r;
}

}  // namespace lvsnft::netlink
