// `lvsnft validate`: parse and check a config; every error and warning
// located (FILE:LINE:COL: error|warning: /pointer: reason), as text on
// stderr or as one JSON object on stdout with --output json.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "config/diag.h"
#include "config/parse.h"

namespace lvsnft::cli {
namespace {

struct ValidateArgs {
  std::string config;
  std::string output = "text";
  bool quiet = false;
  bool strict = false;
};

std::string Count(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

size_t Servers(const Config& cfg) {
  size_t servers = 0;
  for (const auto& s : cfg.services) servers += s.real_servers.size();
  return servers;
}

int PrintJson(const Diagnostics& diags, const std::optional<Config>& cfg) {
  nlohmann::ordered_json j;
  j["file"] = diags.file();
  j["valid"] = cfg.has_value();
  j["services"] = cfg ? cfg->services.size() : 0;
  j["real_servers"] = cfg ? Servers(*cfg) : 0;
  j["errors"] = Lines(diags.FormatAll());
  j["warnings"] = Lines(diags.FormatWarnings());
  std::fputs((j.dump(2) + "\n").c_str(), stdout);
  return cfg ? kExitOk : kExitFailure;
}

int RunValidate(const ValidateArgs& a) {
  std::string text;
  if (!ReadInput(a.config, text)) return kExitFailure;
  Diagnostics diags(a.config == "-" ? "<stdin>" : a.config);
  auto cfg = LoadWithDiagnostics(text, a.strict, diags);
  if (a.output == "json") return PrintJson(diags, cfg);
  std::string all = diags.FormatWarnings() + diags.FormatAll();
  std::fwrite(all.data(), 1, all.size(), stderr);
  if (!cfg) return kExitFailure;
  if (!a.quiet) {
    std::printf("%s: ok (%s, %s)\n", diags.file().c_str(),
                Count(cfg->services.size(), "service").c_str(),
                Count(Servers(*cfg), "real server").c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterValidate(CLI::App& app, Dispatch& d) {
  auto* sub =
      app.add_subcommand("validate",
                         "Parse and check a config; report every error and "
                         "warning with file:line:col and JSON pointer");
  auto a = std::make_shared<ValidateArgs>();
  sub->add_option("-c,--config", a->config, "Config file (\"-\" = stdin)")
      ->required();
  sub->add_flag("-q,--quiet", a->quiet,
                "Print nothing when the config is valid");
  AddOutputOption(sub, a->output);
  AddStrictFlag(sub, a->strict);
  sub->callback([&d, a] { d.action = [a] { return RunValidate(*a); }; });
}

}  // namespace lvsnft::cli
