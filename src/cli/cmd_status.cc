// `lvsnft status`: live services, real servers, weights/states, counters.
#include <cstdio>

#include "cli/commands.h"
#include "cli/kernel_env.h"
#include "compiler/lower.h"
#include "config/parse.h"
#include "director/status.h"
#include "kernel/nft/nft_netlink_kernel.h"

namespace lvsnft::cli {
namespace {

struct StatusArgs {
  std::string output = "text";
  KernelOptions kernel;
};

int RunStatus(const StatusArgs& a) {
  auto k = OpenKernelEnv(a.kernel, /*lock=*/false);
  if (!k.ok()) return Fail("status", k.status().message());
  auto st = (*k)->store->Load();
  if (!st.ok()) return Fail("status", st.status().message());
  auto live = (*k)->nft->Dump(true);
  if (!live.ok()) return Fail("status", live.status().message());
  auto gen = (*k)->nft->GenId();
  Config cfg;
  if (!st->config_text.empty()) {
    Diagnostics d("(applied config)");
    auto c = LoadConfig(st->config_text, d);
    if (c) {
      cfg = *c;
    } else {  // Only labels come from it: show what the kernel says.
      std::fprintf(stderr,
                   "lvsnft: warning: the remembered config is invalid; "
                   "ignored:\n%s",
                   d.FormatAll().c_str());
    }
  }
  plan::Plan p = LowerForKernel(cfg);
  std::vector<netlink::DesiredTable> desired;
  for (const auto& t : p.tables) {
    auto dt = netlink::ToDesired(t, netlink::EncodeElements, {});
    if (!dt.ok()) return Fail("status", dt.status().message());
    desired.push_back(std::move(*dt));
  }
  auto s = netlink::BuildStatus(cfg, desired, *live, gen.ok() ? *gen : 0);
  s.config_known = !st->config_text.empty();
  if (a.output == "json") {
    std::fputs(netlink::RenderStatusJson(s).c_str(), stdout);
    return 0;
  }
  std::fputs(netlink::RenderStatusText(s).c_str(), stdout);
  if (!s.config_known) {
    std::printf("(no config applied by lvsnft in this namespace)\n");
  }
  return 0;
}

}  // namespace

void RegisterStatus(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "status",
      "Live services and real servers with weights, states and counters");
  auto a = std::make_shared<StatusArgs>();
  sub->add_option("--output", a->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddKernelOptions(sub, a->kernel);
  sub->callback([&d, a] { d.action = [a] { return RunStatus(*a); }; });
}

}  // namespace lvsnft::cli
