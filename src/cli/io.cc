#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/atomic_file.h"
#include "cli/commands.h"
#include "compiler/lower.h"
#include "config/parse.h"

namespace lvsnft::cli {
namespace {

/// Prints "lvsnft: cannot read PATH: reason" (strerror, first letter in
/// lower case like the rest of lvsnft's messages); returns false.
bool ReadFailed(const std::string& path, int err) {
  std::string why = std::strerror(err);
  if (!why.empty()) {
    why[0] = static_cast<char>(std::tolower(static_cast<uint8_t>(why[0])));
  }
  std::fprintf(stderr, "lvsnft: cannot read %s: %s\n", path.c_str(),
               why.c_str());
  return false;
}

}  // namespace

bool ReadInput(const std::string& path, std::string& out) {
  SetStage("reading the config");
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    out = ss.str();
    return true;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadFailed(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return ReadFailed(path, err);
  }
  int err = ReadAllFrom(fd, out);
  ::close(fd);
  return err == 0 || ReadFailed(path, err);
}

bool WriteOutputWith(const std::string& path,
                     const std::function<void(std::ostream&)>& write) {
  SetStage("writing the output");
  if (path.empty() || path == "-") {
    write(std::cout);
    std::cout.flush();
    return !std::cout.fail();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) write(out);
  out.close();
  if (!out) {
    std::fprintf(stderr, "lvsnft: cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  return true;
}

bool WriteOutput(const std::string& path, const std::string& text) {
  return WriteOutputWith(path, [&](std::ostream& out) { out << text; });
}

namespace {
const char* g_stage = "reading the command line";
}  // namespace

void SetStage(const char* stage) { g_stage = stage; }
const char* Stage() { return g_stage; }

plan::Plan LowerForKernel(const Config& cfg) {
  SetStage("compiling the config");
  return Lower(cfg);
}

std::optional<Config> LoadConfigFile(const std::string& path,
                                     const LoadOptions& o) {
  std::string text;
  if (!ReadInput(path, text)) return std::nullopt;
  return LoadConfigText(path, text, o);
}

std::optional<Config> LoadWithDiagnostics(const std::string& text, bool strict,
                                          Diagnostics& diags) {
  SetStage("checking the config");
  auto cfg = LoadConfig(text, diags);
  if (cfg && strict && !diags.warnings().empty()) {
    diags.PromoteWarnings();
    cfg.reset();
  }
  return cfg;
}

std::optional<Config> LoadConfigText(const std::string& path,
                                     const std::string& text,
                                     const LoadOptions& o) {
  Diagnostics diags(path == "-" ? "<stdin>" : path);
  auto cfg = LoadWithDiagnostics(text, o.strict, diags);
  std::string all = cfg ? diags.FormatWarnings() : diags.FormatAll();
  std::fwrite(all.data(), 1, all.size(), stderr);
  if (cfg && o.warnings) {
    for (auto& l : Lines(all)) o.warnings->push_back(std::move(l));
  }
  return cfg;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace lvsnft::cli
