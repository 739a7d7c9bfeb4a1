// The lvsnft command line: every command registered, parsed and run. The
// production main (main.cc) and the test binary's (tests/support) share it.
#include <cstdio>
#include <new>

#include "cli/commands.h"

namespace lvsnft::cli {

int RunCli(int argc, char** argv,
           const std::function<void(CLI::App&)>& extend) {
  CLI::App app{
      "lvsnft - Linux Virtual Server built on nftables (NAT, DR, TUN, "
      "FULLNAT)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lvsnft 0.1.0");
  Dispatch dispatch;
  RegisterValidate(app, dispatch);
  RegisterCompile(app, dispatch);
  RegisterApply(app, dispatch);
  RegisterDiff(app, dispatch);
  RegisterStatus(app, dispatch);
  RegisterConnections(app, dispatch);
  RegisterDestroy(app, dispatch);
  RegisterRsSetup(app, dispatch);
  RegisterDaemon(app, dispatch);
  RegisterCtl(app, dispatch);
  if (extend) extend(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  if (!dispatch.action) return 1;
  try {
    return dispatch.action();
  } catch (const std::bad_alloc&) {
    // A batch is sent whole at the end, so nothing reached the kernel.
    std::fprintf(stderr, "lvsnft: out of memory while %s\n", Stage());
    return 1;
  }
}

}  // namespace lvsnft::cli
