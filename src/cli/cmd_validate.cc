#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "config/diag.h"
#include "config/parse.h"

namespace lvsnft::cli {
namespace {

std::string Count(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

int RunValidate(const std::string& path, bool quiet) {
  std::string text;
  if (!ReadInput(path, text)) return 1;
  Diagnostics diags(path == "-" ? "<stdin>" : path);
  auto cfg = LoadConfig(text, diags);
  if (!cfg) {
    std::string all = diags.FormatAll();
    std::fwrite(all.data(), 1, all.size(), stderr);
    return 1;
  }
  if (!quiet) {
    size_t servers = 0;
    for (const auto& s : cfg->services) servers += s.real_servers.size();
    std::printf("%s: ok (%s, %s)\n", diags.file().c_str(),
                Count(cfg->services.size(), "service").c_str(),
                Count(servers, "real server").c_str());
  }
  return 0;
}

}  // namespace

void RegisterValidate(CLI::App& app, Dispatch& d) {
  auto* sub =
      app.add_subcommand("validate",
                         "Parse and check a config; report every error with "
                         "file:line:col and JSON pointer");
  auto path = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("-c,--config", *path, "Config file (\"-\" = stdin)")
      ->required();
  sub->add_flag("-q,--quiet", *quiet, "Print nothing when the config is valid");
  sub->callback([&d, path, quiet] {
    d.action = [path, quiet] { return RunValidate(*path, *quiet); };
  });
}

}  // namespace lvsnft::cli
