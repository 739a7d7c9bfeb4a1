#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/lower.h"
#include "compiler/parse.h"
#include "main/commands.h"

namespace lvsnft::cli {

bool ReadInput(const std::string& path, std::string& out) {
  SetStage("reading the config");
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
  plan::Plan p = Lower(cfg);
  plan::ExpandSlotTables(p);
  return p;
}

std::optional<Config> LoadConfigFile(const std::string& path) {
  std::string text;
  if (!ReadInput(path, text)) return std::nullopt;
  return LoadConfigText(path, text);
}

std::optional<Config> LoadConfigText(const std::string& path,
                                     const std::string& text) {
  SetStage("checking the config");
  Diagnostics diags(path == "-" ? "<stdin>" : path);
  auto cfg = LoadConfig(text, diags);
  if (!cfg) {
    std::string all = diags.FormatAll();
    std::fwrite(all.data(), 1, all.size(), stderr);
  }
  return cfg;
}

}  // namespace lvsnft::cli
