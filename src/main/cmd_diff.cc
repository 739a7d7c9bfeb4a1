#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterDiff(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("diff", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: diff: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
