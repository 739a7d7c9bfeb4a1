// `lvsnft status`: live services, real servers, weights/states, counters;
// runtime overrides marked; the daemon's view first when one answers.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "cli/control_client.h"
#include "cli/kernel_env.h"
#include "cli/persisted_overrides.h"
#include "director/status.h"
#include "director/status_rate.h"
#include "kernel/ct/nf_conntrack.h"

namespace lvsnft::cli {
namespace {

// A daemon that does not answer within this is reported as not running.
constexpr int kDaemonTimeoutMs = 1000;

struct StatusArgs {
  std::string output = "text";
  std::string control_socket;
  bool state_dir_given = false;
  bool rate = false;
  double interval = 1.0;
  KernelOptions kernel;
};

// The running daemon's `status` reply for this namespace, or null (none
// listens, it does not answer in time, or it runs another namespace).
nlohmann::ordered_json DaemonView(const StatusArgs& a) {
  std::string path =
      ControlSocketPath(a.control_socket, a.kernel, a.state_dir_given);
  auto reply =
      ControlExchange(path, R"({"command":"status"})", kDaemonTimeoutMs);
  if (!reply.ok()) return nullptr;
  auto j = nlohmann::ordered_json::parse(*reply, nullptr, false);
  if (!j.is_object() || !j.value("ok", false) ||
      j.value("netns", "") != netlink::CurrentNetnsId(a.kernel.netns))
    return nullptr;
  j.erase("ok");
  return j;
}

int Print(const StatusArgs& a, const netlink::DirectorStatus& s,
          const nlohmann::ordered_json& daemon) {
  if (a.output == "json") {
    auto j = nlohmann::ordered_json::parse(netlink::RenderStatusJson(s));
    j["daemon"] = daemon;
    std::fputs((j.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  if (!daemon.is_null()) {
    std::printf("daemon: running\n");
    std::fputs(DaemonStatusText(daemon, "  ").c_str(), stdout);
  }
  std::fputs(netlink::RenderStatusText(s).c_str(), stdout);
  if (!s.config_known) {
    std::printf("(no config applied by lvsnft in this namespace)\n");
  }
  return 0;
}

// Two samples `interval` apart, printed as per-second rates.
int PrintRates(const StatusArgs& a, netlink::Director& d) {
  auto t0 = std::chrono::steady_clock::now();
  auto before = d.Inspect();
  if (!before.ok()) return Fail("status", before.status().message());
  std::this_thread::sleep_for(std::chrono::duration<double>(a.interval));
  auto after = d.Inspect();
  if (!after.ok()) return Fail("status", after.status().message());
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  auto rates = netlink::ComputeRates(before->status, after->status, secs);
  std::fputs((a.output == "json" ? netlink::RenderRatesJson(rates, secs)
                                 : netlink::RenderRatesText(rates, secs))
                 .c_str(),
             stdout);
  return 0;
}

int RunStatus(const StatusArgs& a) {
  auto k = OpenKernelEnv(a.kernel);
  if (!k.ok()) return Fail("status", k.status().message());
  if (a.rate) return PrintRates(a, *(*k)->director);
  daemon::Overrides ov = LoadPersistedOverrides(a.kernel);
  daemon::OverrideReport effects;
  auto ct = netlink::OpenConnTrack();
  auto r = (*k)->director->Inspect(
      [&](Config& cfg) { effects = ApplyOverrides(ov, cfg); },
      ct.ok() ? ct->get() : nullptr);
  if (!r.ok()) return Fail("status", r.status().message());
  if (!r->config_warning.empty()) {
    std::fprintf(stderr,
                 "lvsnft: warning: the remembered config is invalid; "
                 "ignored:\n%s",
                 r->config_warning.c_str());
  }
  std::string ct_error = ct.ok() ? r->conntrack_error : ct.status().message();
  if (!ct_error.empty()) {
    std::fprintf(stderr, "lvsnft: warning: %s; ActiveConn/InActConn unknown\n",
                 ct_error.c_str());
  }
  daemon::MarkOverrides(effects, r->status);
  return Print(a, r->status, DaemonView(a));
}

}  // namespace

void RegisterStatus(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "status",
      "Live services and real servers with weights, states and counters; "
      "runtime overrides marked; the daemon's view when one runs");
  auto a = std::make_shared<StatusArgs>();
  AddOutputOption(sub, a->output);
  sub->add_option("--control-socket", a->control_socket,
                  "The daemon's socket (default as for lvsnft daemon)");
  sub->add_flag("--rate", a->rate,
                "Per-second rates from two samples (like ipvsadm --rate)");
  sub->add_option("--interval", a->interval,
                  "Seconds between the two --rate samples")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a, sub] {
    a->state_dir_given = sub->count("--state-dir") > 0;
    d.action = [a] { return RunStatus(*a); };
  });
}

}  // namespace lvsnft::cli
