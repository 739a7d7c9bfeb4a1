// `lvsnft destroy`: removes exactly what lvsnft owns; idempotent.
#include <cstdio>

#include "cli/commands.h"
#include "cli/kernel_env.h"
#include "cli/report.h"

namespace lvsnft::cli {
namespace {

int RunDestroy(const KernelOptions& o) {
  auto k = OpenKernelEnv(o);
  if (!k.ok()) return Fail("destroy", k.status().message());
  auto r = (*k)->director->Destroy();
  if (!r.ok()) return Fail("destroy", r.status().message());
  if (r->in_sync()) {
    std::printf("nothing to remove\n");
    return 0;
  }
  std::printf("removed: %zu nftables object%s, %zu host change%s\n",
              r->nft_changes, r->nft_changes == 1 ? "" : "s", r->host_changes,
              r->host_changes == 1 ? "" : "s");
  std::fputs(ReportText(*r, {}).c_str(), stdout);
  return 0;
}

}  // namespace

void RegisterDestroy(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand(
      "destroy",
      "Remove lvsnft's tables, the ipip devices and VIPs it created, and "
      "restore the sysctls it changed");
  auto o = std::make_shared<KernelOptions>();
  AddKernelOptions(sub, *o);
  sub->callback([&d, o] { d.action = [o] { return RunDestroy(*o); }; });
}

}  // namespace lvsnft::cli
