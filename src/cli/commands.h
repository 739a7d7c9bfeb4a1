// Subcommand registration. Each command lives in its own cmd_*.cc file and
// adds itself to the CLI11 app; main.cc only wires them together.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/plan.h"
#include "config/config.h"

namespace lvsnft::cli {

/// The action run after parsing; returns the process exit code.
using Action = std::function<int()>;

/// Shared slot where the selected subcommand stores its action.
struct Dispatch {
  Action action;
};

/// Builds the command line, lets `extend` add to it (the test binary's
/// extra options; null in production), parses argv and runs the command.
/// Returns the process exit code.
int RunCli(int argc, char** argv, const std::function<void(CLI::App&)>& extend);

/// Registration functions, one per command file.
void RegisterValidate(CLI::App& app, Dispatch& d);
void RegisterCompile(CLI::App& app, Dispatch& d);
void RegisterApply(CLI::App& app, Dispatch& d);
void RegisterDiff(CLI::App& app, Dispatch& d);
void RegisterStatus(CLI::App& app, Dispatch& d);
void RegisterConnections(CLI::App& app, Dispatch& d);
void RegisterDestroy(CLI::App& app, Dispatch& d);
void RegisterRsSetup(CLI::App& app, Dispatch& d);
void RegisterDaemon(CLI::App& app, Dispatch& d);
void RegisterCtl(CLI::App& app, Dispatch& d);

/// How a command loads its config.
struct LoadOptions {
  bool strict = false;  ///< --strict: a warning makes the config invalid.
  /// When set, receives each warning as printed ("FILE:L:C: warning: ...")
  /// for a JSON report.
  std::vector<std::string>* warnings = nullptr;
};

/// Reads and loads (parse + check) a config file. Prints every warning to
/// stderr; on any problem prints every diagnostic to stderr and returns
/// nullopt.
std::optional<Config> LoadConfigFile(const std::string& path,
                                     const LoadOptions& o = {});
/// Loads a config already read from `path` ("-": stdin, which can be read
/// only once), with diagnostics located in `path`.
std::optional<Config> LoadConfigText(const std::string& path,
                                     const std::string& text,
                                     const LoadOptions& o = {});

/// Loads `text` into `diags` (named after `path`), applying --strict.
std::optional<Config> LoadWithDiagnostics(const std::string& text, bool strict,
                                          Diagnostics& diags);

/// The lines of `text` (each without its newline).
std::vector<std::string> Lines(const std::string& text);

/// Reads a whole file ("-" = stdin); on failure prints an error, returns false.
bool ReadInput(const std::string& path, std::string& out);

/// Writes `text` to `path` ("-" or "" = stdout); prints an error on failure.
bool WriteOutput(const std::string& path, const std::string& text);
/// Opens `path` ("-" or "" = stdout) and lets `write` stream into it, so
/// big output is never held in memory whole; prints an error on failure.
bool WriteOutputWith(const std::string& path,
                     const std::function<void(std::ostream&)>& write);

/// Records what the command is doing ("compiling the config"), for the
/// message main() prints when memory runs out.
void SetStage(const char* stage);
/// The last stage recorded.
const char* Stage();

/// Lower(cfg) for apply and diff (slot tables stay compact: the desired
/// side encodes them directly, see DesiredElements).
plan::Plan LowerForKernel(const Config& cfg);

}  // namespace lvsnft::cli
