#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterApply(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("apply", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: apply: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
