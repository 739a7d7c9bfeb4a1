#include "netlink/director.h"

#include <map>

namespace lvsnft::netlink {

namespace {

// Desired tables and the delta against the live tables.
struct Computed {
  uint32_t genid = 0;
  std::vector<LiveTable> live;
  std::vector<DesiredTable> desired;
  Delta delta;
};

Result<std::unique_ptr<Computed>> Compute(
    const plan::Plan& p, DirectorEnv& env,
    const std::map<std::string, uint32_t>& ifindex) {
  auto c = std::make_unique<Computed>();
  auto gen = env.nft->GenId();
  if (!gen.ok()) return gen.status();
  c->genid = *gen;
  auto live = env.nft->Dump(true);
  if (!live.ok()) return live.status();
  c->live = std::move(*live);
  for (const auto& t : p.tables) {
    auto d = Describe(t, env.encode, ifindex);
    if (!d.ok()) return d.status();
    c->desired.push_back(std::move(*d));
  }
  auto delta = Reconcile(c->desired, c->live);
  if (!delta.ok()) return delta.status();
  c->delta = std::move(*delta);
  return c;
}

void AddHostLines(const std::vector<HostChange>& h, DirectorReport& r) {
  for (const auto& c : h) r.lines.push_back({c.service, c.sign, c.what, true});
  r.host_changes += h.size();
}

std::string JoinErrors(const std::vector<std::string>& errors) {
  std::string out = "the kernel rejected the transaction; nothing was changed";
  for (const auto& e : errors) out += "\n  " + e;
  return out;
}

// Sends the transaction, re-reading and recomputing when another writer
// changed the ruleset in between (generation id check).
Result<std::unique_ptr<Computed>> Transact(
    const plan::Plan& p, const ApplyOptions& o, DirectorEnv& env,
    const std::map<std::string, uint32_t>& ifindex, DirectorReport& r) {
  for (int attempt = 1; attempt <= o.max_attempts; ++attempt) {
    auto c = Compute(p, env, ifindex);
    if (!c.ok()) return c.status();
    if ((*c)->delta.empty() && o.fault != "batch") return c;
    CommitInput in{&(*c)->delta, &(*c)->desired,
                   ifindex,      (*c)->genid,
                   !o.dry_run,   o.fault == "batch" ? o.fault : ""};
    auto res = env.nft->Commit(in);
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

}  // namespace

Result<DirectorReport> ApplyDirector(const plan::Plan& p, const ApplyOptions& o,
                                     DirectorEnv& env) {
  DirectorReport r;
  auto st = env.store->Load();
  if (!st.ok()) return st.status();
  auto hd = DiffHost(p.host, *st, *env.net, *env.sys);
  if (!hd.ok()) return hd.status();
  if (!o.dry_run) {
    Status s = CreateTunnels(*hd, *st, *env.net);
    if (s.ok()) s = env.store->Save(*st);
    if (s.ok() && o.fault == "after-tunnels")
      s = Status::Error("injected fault: after-tunnels");
    if (!s.ok()) {
      RemoveCreatedTunnels(*hd, *st, *env.net);
      env.store->Save(*st);
      return s;
    }
  }
  auto c = Transact(p, o, env, hd->ifindex, r);
  if (!c.ok()) {
    if (!o.dry_run) {
      RemoveCreatedTunnels(*hd, *st, *env.net);
      env.store->Save(*st);
    }
    return c.status();
  }
  r.lines = DescribeDelta((*c)->delta);
  r.nft_changes = (*c)->delta.changes.size();
  AddHostLines(hd->Changes(), r);
  if (o.dry_run) return r;
  Status s = FinishHost(*hd, *st, *env.net, *env.sys);
  st->config_text = o.config_text;
  auto gen = env.nft->GenId();
  st->genid = gen.ok() ? *gen : 0;
  Status saved = env.store->Save(*st);
  if (!s.ok())
    return Status::Error("ruleset applied, but host setup failed: " +
                         s.message());
  if (!saved.ok()) return saved;
  return r;
}

Result<DirectorReport> DiffDirector(const plan::Plan& p, DirectorEnv& env) {
  DirectorReport r;
  auto st = env.store->Load();
  if (!st.ok()) return st.status();
  auto hd = DiffHost(p.host, *st, *env.net, *env.sys);
  if (!hd.ok()) return hd.status();
  auto c = Compute(p, env, hd->ifindex);
  if (!c.ok()) return c.status();
  r.lines = DescribeDelta((*c)->delta);
  r.nft_changes = (*c)->delta.changes.size();
  AddHostLines(hd->Changes(), r);
  return r;
}

Result<DirectorReport> DestroyDirector(DirectorEnv& env) {
  DirectorReport r;
  auto live = env.nft->Dump(false);
  if (!live.ok()) return live.status();
  std::vector<LiveTable> owned;
  for (auto& t : *live) {
    if (Owned(t)) owned.push_back(std::move(t));
  }
  auto delta = Reconcile({}, owned);
  if (!delta.ok()) return delta.status();
  if (!delta->empty()) {
    auto gen = env.nft->GenId();
    if (!gen.ok()) return gen.status();
    std::vector<DesiredTable> none;
    auto res = env.nft->Commit({&*delta, &none, {}, *gen, true, ""});
    if (!res.ok()) return res.status();
    if (!res->errors.empty()) return Status::Error(JoinErrors(res->errors));
    r.attempts = 1;
    r.lines = DescribeDelta(*delta);
    r.nft_changes = delta->changes.size();
  }
  auto st = env.store->Load();
  if (!st.ok()) return st.status();
  std::vector<HostChange> done;
  Status s = UndoHost(*st, *env.net, *env.sys, done);
  AddHostLines(done, r);
  st->config_text.clear();
  Status saved = env.store->Save(*st);
  if (!s.ok()) return s;
  if (!saved.ok()) return saved;
  return r;
}

}  // namespace lvsnft::netlink
