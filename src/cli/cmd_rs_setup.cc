// `lvsnft rs-setup`: real-server bootstrap (VIPs on lo / tunl0, ARP and
// reverse-path sysctls), with --check, --dry-run and --undo.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_options.h"
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
  std::string state;      // --state FILE (hidden, older spelling)
  std::string state_dir;  // --state-dir DIR
  std::string output = "text";
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

// The state file: --state, else rs-setup[@NETNS].json in --state-dir.
std::string StateFile(const RsArgs& a) {
  if (!a.state.empty()) return a.state;
  if (a.state_dir.empty()) return rs::DefaultStatePath(a.netns);
  return a.state_dir + "/" +
         std::filesystem::path(rs::DefaultStatePath(a.netns))
             .filename()
             .string();
}

const char* ActionName(rs::Action a) {
  switch (a) {
    case rs::Action::kCheck:
      return "check";
    case rs::Action::kUndo:
      return "undo";
    case rs::Action::kSetup:
      break;
  }
  return "setup";
}

// One change as an object; `text` is its line in the text output.
nlohmann::ordered_json ChangeJson(const rs::Change& c, std::string text) {
  nlohmann::ordered_json j;
  j["op"] = rs::ChangeOpName(c.kind);
  if (c.kind == rs::ChangeKind::kSetSysctl) {
    j["path"] = c.path;
    j["value"] = c.to;
    j["was"] = c.from_exists ? nlohmann::ordered_json(c.from) : nullptr;
  } else if (!c.device.empty()) {
    j["device"] = c.device;
  }
  if (c.kind == rs::ChangeKind::kAddAddress ||
      c.kind == rs::ChangeKind::kDeleteAddress) {
    j["address"] = c.addr.ToString() + "/" + std::to_string(c.prefix);
  }
  if (c.restore) j["restore"] = true;
  j["text"] = std::move(text);
  return j;
}

// The record of a run as JSON, beside its text lines.
nlohmann::ordered_json RecordJson(const rs::RunRecord& r) {
  nlohmann::ordered_json j;
  j["roles"] = nlohmann::ordered_json::array();
  for (const auto& role : r.roles) {
    j["roles"].push_back({{"service", role.service},
                          {"mode", ModeName(role.mode)},
                          {"vip", role.vip.ToString()},
                          {"real_server", role.rip.ToString()}});
  }
  j["changes"] = nlohmann::ordered_json::array();
  for (const auto& c : r.changes) {
    j["changes"].push_back(ChangeJson(c, rs::ChangeText(c)));
  }
  j["drift"] = nlohmann::ordered_json::array();
  for (const auto& c : r.drift) {
    j["drift"].push_back(ChangeJson(c, rs::DriftText(c)));
  }
  j["notes"] = r.notes;
  j["warnings"] = r.warnings;
  j["summary"] = r.summary;
  j["error"] = r.error.empty() ? nullptr : nlohmann::ordered_json(r.error);
  return j;
}

using RunFn =
    std::function<int(std::ostream&, std::ostream&, const rs::RunOptions&)>;

// Runs rs::Run; with --output json, one JSON object: the run's record and
// its text lines.
int RunReported(const RsArgs& a, const rs::RunOptions& opt, const RunFn& run) {
  if (a.output != "json") return run(std::cout, std::cerr, opt);
  std::ostringstream out, err;
  rs::RunRecord rec;
  rs::RunOptions with = opt;
  with.record = &rec;
  int rc = run(out, err, with);
  nlohmann::ordered_json j;
  j["action"] = ActionName(opt.action);
  j["dry_run"] = opt.dry_run;
  j["exit_code"] = rc;
  j.update(RecordJson(rec));
  j["lines"] = Lines(out.str());
  j["messages"] = Lines(err.str());
  std::fputs((j.dump(2) + "\n").c_str(), stdout);
  return rc;
}

int RunHost(const RsArgs& a, const rs::RunOptions& opt, const Config* cfg) {
  if (!a.netns.empty()) {
    Status s = netlink::EnterNetns(a.netns);
    if (!s.ok()) return Error(s.message());
  }
  auto rtnl = netlink::RtnlHost::Open();
  if (!rtnl.ok()) return Error(rtnl.status().message());
  netlink::ProcSysctls proc;
  rs::FileStateStore file(StateFile(a));
  if (!a.dry_run) {
    return RunReported(
        a, opt,
        [&](std::ostream& out, std::ostream& err, const rs::RunOptions& o) {
          return rs::Run(cfg, **rtnl, proc, file, o, out, err);
        });
  }
  // Dry run: the same pipeline against a copy of the host in memory.
  auto fake = netlink::FakeHost::CopyOf(**rtnl, &proc);
  if (!fake.ok()) return Error(fake.status().message());
  auto saved = file.Load();
  if (!saved.ok()) return Error(saved.status().message());
  rs::MemoryStateStore mem(*saved);
  return RunReported(
      a, opt,
      [&](std::ostream& out, std::ostream& err, const rs::RunOptions& o) {
        return rs::Run(cfg, **fake, **fake, mem, o, out, err);
      });
}

int RunRsSetup(const RsArgs& a) {
  auto opt = ParseOptions(a);
  if (!opt.ok()) return UsageError("rs-setup", opt.status().message());
  std::optional<Config> cfg;
  if (!a.undo) {
    if (a.config.empty())
      return UsageError("rs-setup",
                        "--config is required (except with --undo)");
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
  sub->add_option("--state-dir", args->state_dir,
                  "Where rs-setup remembers what it changed (default "
                  "/var/lib/lvsnft; the file is rs-setup.json there)");
  sub->add_option("--state", args->state, "Deprecated: the state file itself")
      ->group("");
  AddOutputOption(sub, args->output);
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
