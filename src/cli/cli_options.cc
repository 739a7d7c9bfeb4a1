#include "cli/cli_options.h"

#include <cstdio>

namespace lvsnft::cli {

std::string ExitCodesFooter() {
  return "Exit codes:\n"
         "  0   success; diff and rs-setup --check: in sync\n"
         "  1   invalid config or failed operation (nothing half-changed)\n"
         "  2   diff and rs-setup --check: changes pending\n"
         "  64  usage error (unknown command or option, bad option value)";
}

void AddOutputOption(CLI::App* sub, std::string& format) {
  sub->add_option("--output", format, "Result format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void AddJsonAlias(CLI::App* sub, const std::string& name, std::string& format) {
  sub->add_flag_callback(
         name, [&format] { format = "json"; },
         "Deprecated spelling of --output json")
      ->group("");
}

void AddStrictFlag(CLI::App* sub, bool& strict) {
  sub->add_flag("--strict", strict,
                "Treat warnings about the config as errors (exit 1)");
}

int UsageError(const char* cmd, const std::string& message) {
  std::fprintf(stderr, "lvsnft: %s: %s\n", cmd, message.c_str());
  return kExitUsage;
}

}  // namespace lvsnft::cli
