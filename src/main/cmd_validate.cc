#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterValidate(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("validate", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: validate: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
