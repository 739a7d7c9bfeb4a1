#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterDestroy(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("destroy", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: destroy: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
