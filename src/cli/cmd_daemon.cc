// `lvsnft daemon`: keeps the kernel in sync with a config file (plus
// runtime overrides) in the foreground, for systemd Type=notify. This file
// is the composition root: it opens the real kernels and the netlink
// watchers and hands them to src/daemon.
#include <grp.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "cli/commands.h"
#include "cli/control_client.h"
#include "cli/kernel_env.h"
#include "cli/persisted_overrides.h"
#include "daemon/daemon_loop.h"
#include "daemon/director_port.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "kernel/ct/nf_conntrack.h"
#include "kernel/nft/nft_watch.h"
#include "kernel/rtnl/rtnl_watch.h"

namespace lvsnft::cli {
namespace {

struct DaemonArgs {
  std::string config;
  std::string control_socket;
  std::string metrics_listen;
  std::string control_group;
  KernelOptions kernel;
};

// The id of group `name` (--control-group; "" = none).
Result<std::optional<gid_t>> ControlGroup(const std::string& name) {
  if (name.empty()) return std::optional<gid_t>();
  group g{}, *found = nullptr;
  std::vector<char> buf(16384);
  int rc = getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found);
  if (rc != 0 || !found)
    return Status::Error("--control-group: no group named \"" + name + "\"");
  return std::optional<gid_t>(found->gr_gid);
}

using netlink::NetlinkWatch;

// The director's status with connection counts, through kernel handles of
// its own (the metrics worker's; `lvsnft status` reads the same way).
Result<netlink::DirectorStatus> Inspect(const KernelOptions& o) {
  auto k = OpenKernelEnv(o);
  if (!k.ok()) return k.status();
  auto ct = netlink::OpenConnTrack();
  auto r = (*k)->director->Inspect(nullptr, ct.ok() ? ct->get() : nullptr);
  if (!r.ok()) return r.status();
  return std::move(r->status);
}

int RunDaemon(const DaemonArgs& a, bool state_dir_given) {
  using daemon::Log;
  auto group = ControlGroup(a.control_group);
  if (!group.ok()) return Fail("daemon", group.status().message());
  auto k = OpenKernelEnv(a.kernel);
  if (!k.ok()) return Fail("daemon", k.status().message());
  // Health checks delete dead servers' entries through it.
  auto ct = netlink::OpenConnTrack();
  if (!ct.ok()) Log(daemon::kWarning, ct.status().message());
  auto port = daemon::MakeDirectorPort((*k)->director.get(), (*k)->nft.get(),
                                       (*k)->net.get());
  daemon::CoreOptions co;
  co.config_path = a.config;
  co.overrides_path = OverridesPath(a.kernel);
  co.netns = netlink::CurrentNetnsId(a.kernel.netns);
  co.port = port.get();
  co.conntrack = ct.ok() ? ct->get() : nullptr;
  co.nft = (*k)->nft.get();
  co.notify = daemon::Notify;
  daemon::DaemonCore core(co);
  std::vector<std::string> errors;
  if (Status s = core.Load(&errors); !s.ok()) {
    for (const auto& e : errors) Log(daemon::kErr, e);
    Log(daemon::kErr, s.message());
    return 1;
  }
  // Opened before the first sync so that no change after it is missed.
  auto nft = netlink::OpenNftWatch();
  auto rtnl = netlink::OpenRtnlWatch();
  if (!nft.ok() || !rtnl.ok())
    return Fail("daemon", (nft.ok() ? rtnl.status() : nft.status()).message());
  daemon::LoopOptions lo;
  lo.control_socket =
      ControlSocketPath(a.control_socket, a.kernel, state_dir_given);
  lo.control_group = *group;
  lo.metrics_listen = a.metrics_listen;
  // Read on a worker thread with its own sockets and Director (the loop's
  // are not shared), so a scrape never stops the event loop.
  daemon::ConnMetrics conns([kernel = a.kernel] { return Inspect(kernel); });
  lo.conn_metrics = &conns;
  NetlinkWatch* nw = nft->get();
  NetlinkWatch* rw = rtnl->get();
  lo.watches.push_back({"nftables", nw->fd(), [nw] { nw->Drain(); }, true});
  lo.watches.push_back({"rtnetlink", rw->fd(), [rw] { rw->Drain(); }, false});
  return daemon::RunDaemon(core, lo);
}

}  // namespace

void RegisterDaemon(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "daemon",
      "Keep the kernel in sync with a config in the foreground: drift "
      "repair, reload on SIGHUP, control socket (lvsnft ctl), metrics");
  auto a = std::make_shared<DaemonArgs>();
  sub->add_option("-c,--config", a->config, "Config file")->required();
  sub->add_option("--control-socket", a->control_socket,
                  "Control socket (default /run/lvsnft/control.sock, or "
                  "control.sock in --state-dir when that is given)");
  sub->add_option("--control-group", a->control_group,
                  "Members of this group may use the control socket too "
                  "(mode 0660 instead of 0600)");
  sub->add_option("--metrics-listen", a->metrics_listen,
                  "Serve Prometheus metrics on ADDR:PORT (/metrics)");
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a, sub] {
    bool given = sub->count("--state-dir") > 0;
    d.action = [a, given] { return RunDaemon(*a, given); };
  });
}

}  // namespace lvsnft::cli
