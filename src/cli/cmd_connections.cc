// `lvsnft connections`: the `ipvsadm -Lnc` view. NAT/FULLNAT connections
// from conntrack (lvsnft's slot marks), DR/TUN flows from the flow table.
#include <algorithm>
#include <cstdio>

#include "cli/commands.h"
#include "cli/kernel_env.h"
#include "director/conn_view.h"
#include "kernel/ct/nf_conntrack.h"

namespace lvsnft::cli {
namespace {

struct ConnectionsArgs {
  std::string service;
  std::string output = "text";
  KernelOptions kernel;
};

int RunConnections(const ConnectionsArgs& a) {
  auto k = OpenKernelEnv(a.kernel);
  if (!k.ok()) return Fail("connections", k.status().message());
  auto ct = netlink::OpenConnTrack();
  if (!ct.ok()) return Fail("connections", ct.status().message());
  auto r = (*k)->director->Inspect(nullptr, ct->get());
  if (!r.ok()) return Fail("connections", r.status().message());
  if (!r->conntrack_error.empty())
    return Fail("connections", r->conntrack_error);
  const auto& svcs = r->status.services;
  if (!a.service.empty() &&
      std::none_of(svcs.begin(), svcs.end(),
                   [&](const auto& s) { return s.name == a.service; })) {
    return Fail("connections", "no service named \"" + a.service + "\"");
  }
  std::vector<netlink::ConnRow> rows;
  for (auto& c : r->connections) {
    if (a.service.empty() || c.service == a.service) rows.push_back(c);
  }
  std::fputs((a.output == "json" ? netlink::RenderConnsJson(rows)
                                 : netlink::RenderConnsText(rows))
                 .c_str(),
             stdout);
  return 0;
}

}  // namespace

void RegisterConnections(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "connections",
      "List connections (NAT/FULLNAT, from conntrack) and flows (DR/TUN, "
      "from the flow table) with client, VIP, real server, state and "
      "expiry, like ipvsadm -Lnc");
  auto a = std::make_shared<ConnectionsArgs>();
  sub->add_option("--service", a->service, "Only this service's");
  sub->add_option("--output", a->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a] { d.action = [a] { return RunConnections(*a); }; });
}

}  // namespace lvsnft::cli
