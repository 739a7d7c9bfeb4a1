// `lvsnft apply`: one atomic nftables transaction plus the director's host
// objects (VIPs, forwarding sysctls, ipip devices), rolled back on failure.
// "N attempts" appears only when concurrent writers forced retries; slots
// the transaction left unreachable are named as stale (see Delta::stale).
#include <malloc.h>

#include <cstdio>

#include "base/timing.h"
#include "cli/cli_options.h"
#include "cli/commands.h"
#include "cli/exit_fast.h"
#include "cli/kernel_env.h"
#include "cli/persisted_overrides.h"
#include "cli/report.h"
#include "compiler/lower.h"
#include "director/status.h"

namespace lvsnft::cli {
namespace {

struct ApplyArgs {
  std::string config;
  bool dry_run = false;
  std::string output = "text";
  bool strict = false;
  bool verbose = false;
  bool no_overrides = false;
  KernelOptions kernel;
};

// Large applies (a first apply of thousands of services) list per-service
// counts instead of every change unless --verbose.
constexpr size_t kDetailLines = 60;

int RunApply(const ApplyArgs& a) {
  // One malloc arena: the report is made on a second thread while the
  // kernel works through the batch (CommitInput::while_sending); in an
  // arena of its own its allocations touched fresh pages (2-4 MB more
  // peak resident size at NAT 10k x 10, varying run to run) where the
  // main heap has freed memory to reuse. The threads hardly contend: the
  // main one waits in sendmsg meanwhile.
  mallopt(M_ARENA_MAX, 1);
  std::string text;
  if (!ReadInput(a.config, text)) return 1;
  PhaseTimer load("load config");
  std::vector<std::string> warnings;
  auto cfg = LoadConfigText(a.config, text, {a.strict, &warnings});
  if (!cfg) return 1;  // Invalid input never reaches the kernel.
  load.Done();
  ReportMemory("after load");
  SetStage("applying the ruleset");
  auto k = OpenKernelEnv(a.kernel);
  if (!k.ok()) return Fail("apply", k.status().message());
  // The daemon's overrides stay in force (it would restore them at its
  // next check anyway); --no-overrides applies the file alone.
  daemon::OverrideReport ov;
  if (!a.no_overrides)
    ov = ApplyOverrides(LoadPersistedOverrides(a.kernel), *cfg);
  PhaseTimer lower("lower");
  plan::Plan p = LowerForKernel(*cfg);
  lower.Done();
  ReportMemory("after lower");
  Diagnostics host_diags(a.config == "-" ? "<stdin>" : a.config);
  auto host_ok = netlink::CheckLocalAddresses(*cfg, *(*k)->net, host_diags);
  if (!host_ok.ok()) return Fail("apply", host_ok.status().message());
  if (!*host_ok) {  // Nothing was written to the kernel.
    std::fputs(host_diags.FormatAll().c_str(), stderr);
    return 1;
  }
  // The plan holds everything the apply needs: the config model goes now
  // rather than stay resident through the transaction (17 MB at NAT
  // 10k x 10), its memory reused by the desired elements and batch pages.
  cfg.reset();
  netlink::ApplyOptions o;
  o.config_text = std::move(text);  // the state keeps it; no copy
  o.dry_run = a.dry_run;
  o.keep_plan = false;    // the command exits after this apply
  o.stage_config = true;  // not held through the transaction either
  if (a.output != "json" && !a.verbose) o.max_lines = kDetailLines;
  auto r = (*k)->director->Apply(p, std::move(o));
  if (!r.ok()) return Fail("apply", r.status().message());
  FreeAtExit(p);
  FreeAtExit(*k);
  if (a.output == "json") {
    std::fputs(WithOverridesJson(ReportJson(*r, {}, warnings), ov).c_str(),
               stdout);
    return 0;
  }
  std::printf(
      "%s: %zu nftables change%s in %s, %zu host change%s%s\n",
      a.dry_run ? "dry run (validated by the kernel, nothing changed)"
                : "applied",
      r->nft_changes, r->nft_changes == 1 ? "" : "s",
      r->attempts == 0
          ? "no transaction"
          : ("1 transaction (" + std::to_string(r->messages) + " messages, " +
             std::to_string(r->bytes) + " bytes" +
             (r->attempts > 1 ? ", " + std::to_string(r->attempts) + " attempts"
                              : "") +
             ")")
                .c_str(),
      r->host_changes, r->host_changes == 1 ? "" : "s",
      r->in_sync() ? " (already in sync)" : "");
  std::fputs(daemon::OverrideLines(ov).c_str(), stdout);
  if (!r->counts && (a.verbose || r->lines.size() <= kDetailLines)) {
    std::fputs(ReportText(*r, {}).c_str(), stdout);
  } else {
    std::fputs(ReportSummary(*r).c_str(), stdout);
  }
  std::fputs(netlink::StaleSlotsNote(r->stale_slots).c_str(), stdout);
  return 0;
}

}  // namespace

void RegisterApply(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "apply",
      "Apply a config: one atomic nftables transaction (only what changed) "
      "plus VIPs, sysctls and ipip devices; rolled back on failure");
  auto a = std::make_shared<ApplyArgs>();
  sub->add_option("-c,--config", a->config, "Config file (\"-\" = stdin)")
      ->required();
  sub->add_flag("--dry-run", a->dry_run,
                "Send the transaction without committing it (the kernel "
                "validates everything) and print the changes");
  AddOutputOption(sub, a->output);
  AddJsonAlias(sub, "--json", a->output);
  AddStrictFlag(sub, a->strict);
  sub->add_flag("--no-overrides", a->no_overrides,
                "Apply the file alone, without the runtime overrides "
                "persisted by the daemon (lvsnft ctl set)");
  sub->add_flag("-v,--verbose", a->verbose,
                "List every change even when there are many");
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a] { d.action = [a] { return RunApply(*a); }; });
}

}  // namespace lvsnft::cli
