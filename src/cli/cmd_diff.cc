// `lvsnft diff`: live kernel vs a config (-c FILE), or two configs offline
// (OLD NEW, no root: the same pipeline against an in-memory kernel).
// Exit 0 in sync, 2 changes pending, 1 error, 64 usage error. Stale slots (left
// by an apply for the next one to collect) are printed but are not pending.
#include <malloc.h>

#include <cstdio>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "cli/exit_fast.h"
#include "cli/kernel_env.h"
#include "cli/persisted_overrides.h"
#include "cli/report.h"
#include "compiler/lower.h"
#include "config/parse.h"
#include "director/status.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"

namespace lvsnft::cli {
namespace {

struct DiffArgs {
  std::string config;
  std::vector<std::string> files;
  std::string output = "text";
  bool full_dump = false;
  bool no_overrides = false;
  bool strict = false;
  std::vector<std::string> warnings;  // of the configs loaded
  KernelOptions kernel;
};

// The overrides in effect (live form only) come first: they explain why
// the kernel differs from the file without anything pending.
int Print(const netlink::DirectorReport& r, const std::vector<ConfigChange>& cc,
          const daemon::OverrideReport* ov, const DiffArgs& a) {
  bool sync = r.in_sync();
  if (a.output == "json") {
    std::string out = ReportJson(r, cc, a.warnings);
    std::fputs((ov ? WithOverridesJson(out, *ov) : out).c_str(), stdout);
    return sync ? kExitOk : kExitPending;
  }
  if (ov) std::fputs(daemon::OverrideLines(*ov).c_str(), stdout);
  if (sync && cc.empty()) {
    std::printf("in sync\n");
    std::fputs(netlink::StaleSlotsNote(r.stale_slots).c_str(), stdout);
  } else {
    std::fputs(ReportText(r, cc).c_str(), stdout);
    std::printf("%zu nftables change%s, %zu host change%s pending\n",
                r.nft_changes, r.nft_changes == 1 ? "" : "s", r.host_changes,
                r.host_changes == 1 ? "" : "s");
    std::fputs(netlink::StaleSlotsNote(r.stale_slots).c_str(), stdout);
  }
  return sync ? kExitOk : kExitPending;
}

// The configs' director interfaces exist in the offline host.
void AddLinks(netlink::FakeHost& host, const Config& a, const Config& b) {
  for (const auto* c : {&a, &b}) {
    const std::string& dev = c->director.interface;
    if (!dev.empty() && !netlink::FindLink(host.links(), dev))
      host.AddLink(dev);
  }
}

int RunOffline(DiffArgs& a) {
  LoadOptions lo{a.strict, &a.warnings};
  auto before = LoadConfigFile(a.files[0], lo);
  auto after = LoadConfigFile(a.files[1], lo);
  if (!before || !after) return 1;
  netlink::FakeNft nft;
  netlink::FakeHost host;
  netlink::MemStateStore store;
  AddLinks(host, *before, *after);
  netlink::Director director(
      {&nft, &host, &host, &store, netlink::EncodeElements});
  plan::Plan old_plan = LowerForKernel(*before);
  auto applied = director.Apply(old_plan, {});
  if (!applied.ok()) return Fail("diff", applied.status().message());
  plan::Plan new_plan = LowerForKernel(*after);
  auto r = director.Diff(new_plan);
  if (!r.ok()) return Fail("diff", r.status().message());
  return Print(*r, DiffConfigs(*before, *after), nullptr, a);
}

// What the live diff keeps of the config file once it is lowered. The
// file's text, its model and the text last applied are gone before the
// kernel side is read: they are not needed there, and the peak is there.
struct Wanted {
  plan::Plan plan;
  std::vector<ConfigChange> changes;  ///< Since the config last applied.
  std::optional<daemon::OverrideReport> overrides;  ///< Live form only.
};

// The config last applied, compared by service; byte-identical text
// (the usual in-sync case) has no changes and is not parsed again.
std::vector<ConfigChange> ChangesSinceApplied(netlink::Director& d,
                                              const std::string& text,
                                              const Config& cfg) {
  auto st = d.State();
  if (!st.ok() || st->config_text.empty() || st->config_text == text) return {};
  Diagnostics diags("(applied config)");
  auto old = LoadConfig(st->config_text, diags);
  if (!old) return {};
  return DiffConfigs(*old, cfg);
}

// Reads, checks and lowers -c FILE and opens the kernel (in that order,
// so a bad file is reported first); 0 on success, else the exit code.
int LoadWanted(DiffArgs& a, std::unique_ptr<KernelEnv>& k, Wanted& w) {
  std::string text;
  if (!ReadInput(a.config, text)) return 1;
  auto cfg = LoadConfigText(a.config, text, {a.strict, &a.warnings});
  if (!cfg) return 1;
  auto env = OpenKernelEnv(a.kernel);
  if (!env.ok()) return Fail("diff", env.status().message());
  k = std::move(*env);
  // What the daemon runs: the file plus its overrides. Config changes
  // stay those of the file (the applied config text is the file's).
  // A copy of the config only when there are overrides to apply to it.
  std::optional<Config> eff;
  if (!a.no_overrides) {
    daemon::Overrides o = LoadPersistedOverrides(a.kernel);
    if (!o.items().empty()) eff = *cfg;
    w.overrides = ApplyOverrides(o, eff ? *eff : *cfg);  // none: unchanged
  }
  // Compared before lowering, and the text dropped: the file's text and
  // the text last applied (6.8 MB each at NAT 10k x 10) are not resident
  // beside the plan.
  w.changes = ChangesSinceApplied(*k->director, text, *cfg);
  std::string().swap(text);
  w.plan = LowerForKernel(eff ? *eff : *cfg);
  return 0;
}

int RunLive(DiffArgs& a) {
  std::unique_ptr<KernelEnv> k;
  Wanted w;
  if (int rc = LoadWanted(a, k, w)) return rc;
  // The pages the file's text and model held go back before the kernel
  // side is read: its big arrays would not fit in their small holes.
  malloc_trim(0);
  auto r = k->director->Diff(w.plan, a.full_dump);
  if (!r.ok()) return Fail("diff", r.status().message());
  FreeAtExit(w.plan);
  FreeAtExit(k);
  return Print(*r, w.changes, w.overrides ? &*w.overrides : nullptr, a);
}

int RunDiff(DiffArgs& a) {
  if (a.files.size() == 2 && a.config.empty()) return RunOffline(a);
  if (a.files.empty() && !a.config.empty()) return RunLive(a);
  return UsageError("diff",
                    "use either -c FILE (live kernel) or OLD.json NEW.json");
}

}  // namespace

void RegisterDiff(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "diff",
      "What apply would change: live kernel vs -c FILE, or OLD NEW offline. "
      "Exit 0 in sync, 2 changes pending, 1 error, 64 usage");
  auto a = std::make_shared<DiffArgs>();
  sub->add_option("-c,--config", a->config,
                  "Desired config (compared with the live kernel)");
  sub->add_option("files", a->files, "OLD.json NEW.json (offline, no root)")
      ->expected(0, 2);
  AddOutputOption(sub, a->output);
  AddStrictFlag(sub, a->strict);
  sub->add_flag("--full-dump", a->full_dump,
                "Read every object from the kernel, even when the ruleset "
                "generation id shows nothing was committed since lvsnft's "
                "last apply (then its snapshot stands in for the dump)");
  sub->add_flag("--no-overrides", a->no_overrides,
                "-c: compare with the file alone, without the runtime "
                "overrides persisted by the daemon (lvsnft ctl set)");
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a] { d.action = [a] { return RunDiff(*a); }; });
}

}  // namespace lvsnft::cli
