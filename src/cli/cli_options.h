// The command-line conventions every command shares: the exit codes, the
// `--output text|json` option, hidden aliases of old spellings and
// `--strict`. Commands call these helpers so that one spelling (and one
// help text) holds everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace lvsnft::cli {

/// Success; for diff and rs-setup --check also "in sync".
inline constexpr int kExitOk = 0;
/// Invalid config, or the operation failed (nothing half-changed).
inline constexpr int kExitFailure = 1;
/// diff / rs-setup --check: the kernel or host differs (changes pending).
inline constexpr int kExitPending = 2;
/// The command line itself is wrong (BSD sysexits EX_USAGE).
inline constexpr int kExitUsage = 64;

/// The exit code table printed at the end of `lvsnft --help` and kept in
/// step with README.md's "Exit codes" section.
std::string ExitCodesFooter();

/// Adds `--output text|json` (default text) storing into `format`.
void AddOutputOption(CLI::App* sub, std::string& format);

/// Adds a hidden flag `name` (an old spelling kept for scripts) that sets
/// `format` to "json", like `--output json`.
void AddJsonAlias(CLI::App* sub, const std::string& name, std::string& format);

/// Adds `--strict`: warnings about the config count as errors.
void AddStrictFlag(CLI::App* sub, bool& strict);

/// Prints "lvsnft: CMD: MESSAGE" to stderr and returns kExitUsage.
int UsageError(const char* cmd, const std::string& message);

}  // namespace lvsnft::cli
