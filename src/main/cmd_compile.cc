#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterCompile(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("compile", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: compile: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
