#include <cstdio>

#include "main/commands.h"

namespace lvsnft::cli {

void RegisterStatus(CLI::App& app, Dispatch& d) {
  auto* sub = app.add_subcommand("status", "(under construction)");
  sub->callback([&d] {
    d.action = [] {
      std::fprintf(stderr, "lvsnft: status: not implemented yet\n");
      return 1;
    };
  });
}

}  // namespace lvsnft::cli
