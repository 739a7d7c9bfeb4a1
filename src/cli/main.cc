// lvsnft: Linux Virtual Server on nftables. Thin CLI over the libraries.
#include <cstdio>
#include <new>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "lvsnft - Linux Virtual Server built on nftables (NAT, DR, TUN, "
      "FULLNAT)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lvsnft 0.1.0");
  lvsnft::cli::Dispatch dispatch;
  lvsnft::cli::RegisterValidate(app, dispatch);
  lvsnft::cli::RegisterCompile(app, dispatch);
  lvsnft::cli::RegisterApply(app, dispatch);
  lvsnft::cli::RegisterDiff(app, dispatch);
  lvsnft::cli::RegisterStatus(app, dispatch);
  lvsnft::cli::RegisterDestroy(app, dispatch);
  lvsnft::cli::RegisterRsSetup(app, dispatch);
  lvsnft::cli::RegisterDaemon(app, dispatch);
  lvsnft::cli::RegisterCtl(app, dispatch);
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
    std::fprintf(stderr, "lvsnft: out of memory while %s\n",
                 lvsnft::cli::Stage());
    return 1;
  }
}
