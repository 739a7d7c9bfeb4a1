// `lvsnft status`: live services, real servers, weights/states, counters.
#include <cstdio>

#include "cli/commands.h"
#include "cli/kernel_env.h"
#include "director/status.h"

namespace lvsnft::cli {
namespace {

struct StatusArgs {
  std::string output = "text";
  KernelOptions kernel;
};

int RunStatus(const StatusArgs& a) {
  auto k = OpenKernelEnv(a.kernel);
  if (!k.ok()) return Fail("status", k.status().message());
  auto r = (*k)->director->Inspect();
  if (!r.ok()) return Fail("status", r.status().message());
  if (!r->config_warning.empty()) {
    std::fprintf(stderr,
                 "lvsnft: warning: the remembered config is invalid; "
                 "ignored:\n%s",
                 r->config_warning.c_str());
  }
  const netlink::DirectorStatus& s = r->status;
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
