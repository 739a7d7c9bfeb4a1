// The lvsnft command line: every command registered, parsed and run. The
// production main (main.cc) and the test binary's (tests/support) share it.
#include <cstdio>
#include <new>
#include <optional>
#include <string_view>
#include <vector>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "config/suggest.h"

namespace lvsnft::cli {
namespace {

/// The first word of argv naming no command of the app (or of `ctl`),
/// with the command it was looked up in; nullopt when every word the
/// scan reaches is known. Values of options are skipped.
struct Unknown {
  const CLI::App* parent;
  std::string word;
};

std::optional<Unknown> FindUnknownCommand(const CLI::App& app, int argc,
                                          char** argv) {
  const CLI::App* cur = &app;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg[0] == '-') {
      const CLI::Option* o = cur->get_option_no_throw(arg);
      bool takes_value =
          o && o->get_type_size_max() > 0 && arg.find('=') == std::string::npos;
      if (takes_value) ++i;
      continue;
    }
    if (cur->get_subcommands({}).empty()) return std::nullopt;
    const CLI::App* next = nullptr;
    for (const CLI::App* s : cur->get_subcommands({}))
      if (s->get_name() == arg) next = s;
    if (!next) return Unknown{cur, arg};
    cur = next;
  }
  return std::nullopt;
}

/// Prints "unknown command 'W'; did you mean 'V'?" (or the list of
/// commands when nothing is close) and returns kExitUsage.
int ReportUnknown(const Unknown& u) {
  std::vector<std::string_view> names;
  for (const CLI::App* s : u.parent->get_subcommands({}))
    names.push_back(s->get_name());
  std::string msg = "unknown command '" + u.word + "'";
  if (auto best = ClosestName(u.word, names)) {
    msg += "; did you mean '" + std::string(*best) + "'?";
  } else {
    msg += "; commands:";
    for (auto n : names) msg += " " + std::string(n);
  }
  std::fprintf(stderr, "lvsnft: %s\n", msg.c_str());
  return kExitUsage;
}

void RegisterAll(CLI::App& app, Dispatch& dispatch) {
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
}

}  // namespace

int RunCli(int argc, char** argv,
           const std::function<void(CLI::App&)>& extend) {
  CLI::App app{
      "lvsnft - Linux Virtual Server built on nftables (NAT, DR, TUN, "
      "FULLNAT)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lvsnft " LVSNFT_VERSION);
  app.footer(ExitCodesFooter());
  Dispatch dispatch;
  RegisterAll(app, dispatch);
  if (extend) extend(app);
  if (auto u = FindUnknownCommand(app, argc, argv)) return ReportUnknown(*u);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!dispatch.action) return kExitUsage;
  try {
    return dispatch.action();
  } catch (const std::bad_alloc&) {
    // A batch is sent whole at the end, so nothing reached the kernel.
    std::fprintf(stderr, "lvsnft: out of memory while %s\n", Stage());
    return kExitFailure;
  }
}

}  // namespace lvsnft::cli
