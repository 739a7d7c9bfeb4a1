// `lvsnft rs-setup`: real-server bootstrap (VIPs on lo / tunl0, ARP and
// reverse-path sysctls), with --check, --dry-run and --undo.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "config/parse.h"
#include "kernel/rtnl/netns.h"
#include "kernel/rtnl/proc_sysctls.h"
#include "kernel/rtnl/rtnl.h"
#include "kernel/sim/sim_host.h"
#include "rs/run.h"
#include "rs/state.h"

namespace lvsnft::cli {
namespace {

// Command-line values of rs-setup.
struct RsArgs {
  std::string config;
  std::vector<std::string> self;
  std::string director;
  std::string netns;
  std::string state;
  bool dry_run = false;
  bool check = false;
  bool undo = false;
};

int Error(const std::string& msg) {
  std::fprintf(stderr, "lvsnft: rs-setup: %s\n", msg.c_str());
  return rs::kExitError;
}

// Parses --self and --director; an error is a message.
Result<rs::RunOptions> ParseOptions(const RsArgs& a) {
  rs::RunOptions opt;
  opt.action = a.undo    ? rs::Action::kUndo
               : a.check ? rs::Action::kCheck
                         : rs::Action::kSetup;
  opt.dry_run = a.dry_run;
  for (const auto& s : a.self) {
    auto addr = IpAddr::Parse(s);
    if (!addr) return Status::Error("invalid --self address \"" + s + "\"");
    opt.self.push_back(*addr);
  }
  if (!a.director.empty()) {
    opt.director = IpAddr::Parse(a.director);
    if (!opt.director) {
      return Status::Error("invalid --director address \"" + a.director + "\"");
    }
  }
  return opt;
}

std::optional<Config> ReadConfig(const std::string& path) {
  std::string text;
  if (!ReadInput(path, text)) return std::nullopt;
  Diagnostics diags(path);
  auto cfg = LoadConfig(text, diags);
  if (!cfg) std::fputs(diags.FormatAll().c_str(), stderr);
  return cfg;
}

int RunHost(const RsArgs& a, const rs::RunOptions& opt, const Config* cfg) {
  if (!a.netns.empty()) {
    Status s = netlink::EnterNetns(a.netns);
    if (!s.ok()) return Error(s.message());
  }
  auto rtnl = netlink::RtnlHost::Open();
  if (!rtnl.ok()) return Error(rtnl.status().message());
  netlink::ProcSysctls proc;
  rs::FileStateStore file(a.state.empty() ? rs::DefaultStatePath(a.netns)
                                          : a.state);
  if (!a.dry_run) {
    return rs::Run(cfg, **rtnl, proc, file, opt, std::cout, std::cerr);
  }
  // Dry run: the same pipeline against a copy of the host in memory.
  auto fake = netlink::FakeHost::CopyOf(**rtnl, &proc);
  if (!fake.ok()) return Error(fake.status().message());
  auto saved = file.Load();
  if (!saved.ok()) return Error(saved.status().message());
  rs::MemoryStateStore mem(*saved);
  return rs::Run(cfg, **fake, **fake, mem, opt, std::cout, std::cerr);
}

int RunRsSetup(const RsArgs& a) {
  auto opt = ParseOptions(a);
  if (!opt.ok()) return Error(opt.status().message());
  std::optional<Config> cfg;
  if (!a.undo) {
    if (a.config.empty())
      return Error("--config is required (except with --undo)");
    cfg = ReadConfig(a.config);
    if (!cfg) return rs::kExitError;
  }
  std::fflush(stdout);
  return RunHost(a, *opt, cfg ? &*cfg : nullptr);
}

}  // namespace

void RegisterRsSetup(CLI::App& app, Dispatch& d) {
  auto args = std::make_shared<RsArgs>();
  auto* sub = app.add_subcommand(
      "rs-setup",
      "Set up this host as a real server of the services in the config "
      "(VIPs on lo/tunl0, arp_ignore/arp_announce, rp_filter)");
  sub->add_option("-c,--config", args->config, "Configuration file");
  sub->add_option("--self", args->self,
                  "This host's real-server address (repeatable; default: "
                  "match the host's own addresses)");
  sub->add_option("--director", args->director,
                  "Director address the NAT default route must use");
  sub->add_option("--netns", args->netns, "Work in network namespace NAME");
  sub->add_option("--state", args->state,
                  "State file (default /var/lib/lvsnft/rs-setup.json)");
  auto* dry = sub->add_flag("--dry-run", args->dry_run,
                            "Print the changes, change nothing");
  auto* check = sub->add_flag(
      "--check", args->check,
      "Compare with the desired state: exit 0 in sync, 2 drift, 1 error");
  auto* undo =
      sub->add_flag("--undo", args->undo, "Restore what earlier runs changed");
  check->excludes(dry)->excludes(undo);
  sub->callback(
      [&d, args] { d.action = [args] { return RunRsSetup(*args); }; });
}

}  // namespace lvsnft::cli
