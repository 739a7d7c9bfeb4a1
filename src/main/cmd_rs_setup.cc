#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterRsSetup(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("rs-setup", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: rs-setup: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
