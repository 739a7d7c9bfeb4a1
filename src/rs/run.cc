#include "rs/run.h"

#include "rs/apply.h"
#include "rs/desired.h"
#include "rs/diff.h"

namespace lvsnft::rs {
namespace {

constexpr const char* kPrefix = "lvsnft: rs-setup: ";

// Everything one run works with.
struct Ctx {
  netlink::HostNet& net;
  netlink::Sysctls& sys;
  StateStore& store;
  const RunOptions& opt;
  std::ostream& out;
  std::ostream& err;
};

int Fail(Ctx& c, const std::string& msg) {
  c.err << kPrefix << msg << "\n";
  if (c.opt.record) c.opt.record->error = msg;
  return kExitError;
}

// The run's last text line, also kept in the record.
void Last(Ctx& c, const std::string& line) {
  c.out << line << "\n";
  if (c.opt.record) c.opt.record->summary = line;
}

std::string Count(size_t n, const std::string& one, std::string many = "") {
  if (many.empty()) many = one + "s";
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void PrintRoles(Ctx& c, const Desired& d) {
  for (const auto& r : d.roles) {
    c.out << "real server " << r.rip.ToString() << " in service " << r.service
          << " (" << ModeName(r.mode) << ", VIP " << r.vip.ToString() << ")\n";
  }
  for (const auto& n : d.notes) c.out << "note: " << n << "\n";
  for (const auto& w : d.warnings) c.err << "warning: " << w << "\n";
  if (RunRecord* r = c.opt.record) {
    r->roles = d.roles;
    r->notes = d.notes;
    r->warnings = d.warnings;
  }
}

void Report(Ctx& c, const Change& ch) {
  c.out << (c.opt.dry_run ? "would " : "") << ChangeText(ch) << "\n";
  if (c.opt.record) c.opt.record->changes.push_back(ch);
}

int Check(Ctx& c, const HostView& view, const Desired& d, const State& state) {
  auto snap = SnapshotOf(view, c.sys, PathsToRead(d, state));
  if (!snap.ok()) return Fail(c, snap.status().message());
  std::vector<Change> changes = Diff(d, *snap, state);
  if (changes.empty()) {
    Last(c, "in sync: " + Count(d.addresses.size(), "address", "addresses") +
                " and " + Count(d.sysctls.size(), "sysctl") + " as required");
    return kExitOk;
  }
  for (const auto& ch : changes) c.out << "drift: " << DriftText(ch) << "\n";
  if (c.opt.record) c.opt.record->drift = changes;
  Last(c, Count(changes.size(), "difference") + " from the desired state");
  return kExitDrift;
}

// Loads ipip first when tunl0 is missing: the rest of the diff (tunl0's
// sysctls, its old values) can only be computed once tunl0 exists. If the
// module then gives no tunl0 (net.core.fb_tunnels_only_for_init_net), the
// plan creates one.
Result<std::vector<Change>> Plan(Ctx& c, const HostView& view, const Desired& d,
                                 const State& state, size_t& applied) {
  bool loaded = false;
  for (;;) {
    auto snap = loaded ? TakeSnapshot(c.net, c.sys, PathsToRead(d, state))
                       : SnapshotOf(view, c.sys, PathsToRead(d, state));
    if (!snap.ok()) return snap.status();
    std::vector<Change> changes = Diff(d, *snap, state);
    if (changes.empty() || changes[0].kind != ChangeKind::kLoadIpip) {
      return changes;
    }
    if (loaded) {
      changes[0].kind = ChangeKind::kCreateTunl0;
      return changes;
    }
    Status s = Execute(c.net, c.sys, changes[0]);
    if (!s.ok()) return s;
    Report(c, changes[0]);
    ++applied;
    loaded = true;
  }
}

std::string RollbackText(const ApplyResult& r) {
  std::string m = r.status.message() + "; rolled back " +
                  Count(r.rolled_back, "change") + " made in this run";
  for (const auto& e : r.rollback_errors) m += "; rollback failed: " + e;
  return m;
}

void Summary(Ctx& c, size_t applied) {
  const bool undo = c.opt.action == Action::kUndo;
  if (applied == 0) {
    Last(c, std::string(undo ? "nothing to undo"
                             : "no changes: the host is already set up") +
                (c.opt.dry_run ? " (dry run)" : ""));
  } else if (c.opt.dry_run) {
    Last(c, "dry run: " + Count(applied, "change") +
                " would be made; nothing was changed");
  } else {
    Last(c, Count(applied, "change") + (undo ? " undone" : " applied"));
  }
}

int Apply(Ctx& c, const HostView& view, const Desired& d,
          const std::optional<State>& saved) {
  const State state = saved.value_or(State{});
  size_t applied = 0;
  auto planned = Plan(c, view, d, state, applied);
  if (!planned.ok()) return Fail(c, planned.status().message());
  const std::vector<Change>& changes = *planned;
  State after = AfterApply(state, changes, d);
  if (!changes.empty()) {
    Status s = c.store.Save(WithIntent(state, changes));
    if (!s.ok()) return Fail(c, s.message());
    ApplyResult r = ApplyChanges(c.net, c.sys, changes,
                                 [&](const Change& ch) { Report(c, ch); });
    applied += r.done;
    if (!r.status.ok()) {
      Status restored = c.store.Save(state);
      std::string m = RollbackText(r);
      if (!restored.ok()) m += "; " + restored.message();
      return Fail(c, m);
    }
  }
  if (!changes.empty() || after != state) {
    Status s = c.store.Save(after);
    if (!s.ok()) return Fail(c, "host changed, but " + s.message());
  }
  Summary(c, applied);
  return kExitOk;
}

}  // namespace

int Run(const Config* cfg, netlink::HostNet& net, netlink::Sysctls& sys,
        StateStore& store, const RunOptions& opt, std::ostream& out,
        std::ostream& err) {
  Ctx c{net, sys, store, opt, out, err};
  auto saved = store.Load();
  if (!saved.ok()) return Fail(c, saved.status().message());
  if (opt.action == Action::kUndo && !*saved) {
    Last(c, "nothing to undo: no saved state in " + store.Where());
    return kExitOk;
  }
  auto view = ReadHostView(net);
  if (!view.ok()) return Fail(c, view.status().message());
  if (opt.action == Action::kUndo) return Apply(c, *view, Desired{}, *saved);
  if (cfg == nullptr) return Fail(c, "internal: no configuration");
  auto roles = FindRoles(*cfg, *view, opt.self);
  if (!roles.ok()) return Fail(c, roles.status().message());
  Desired d = ComputeDesired(*cfg, *roles, *view, opt.director);
  PrintRoles(c, d);
  if (opt.action == Action::kCheck) {
    return Check(c, *view, d, saved->value_or(State{}));
  }
  return Apply(c, *view, d, *saved);
}

}  // namespace lvsnft::rs
