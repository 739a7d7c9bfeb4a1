#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "config/parse.h"

namespace lvsnft::cli {

bool ReadInput(const std::string& path, std::string& out) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    out = ss.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "lvsnft: cannot read %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool WriteOutput(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "lvsnft: cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  return true;
}

std::optional<Config> LoadConfigFile(const std::string& path) {
  std::string text;
  if (!ReadInput(path, text)) return std::nullopt;
  return LoadConfigText(path, text);
}

std::optional<Config> LoadConfigText(const std::string& path,
                                     const std::string& text) {
  Diagnostics diags(path == "-" ? "<stdin>" : path);
  auto cfg = LoadConfig(text, diags);
  if (!cfg) {
    std::string all = diags.FormatAll();
    std::fwrite(all.data(), 1, all.size(), stderr);
  }
  return cfg;
}

}  // namespace lvsnft::cli
