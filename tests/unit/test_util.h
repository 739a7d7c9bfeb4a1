// Helpers shared by unit tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/parse.h"

namespace lvsnft::testing {

/// Loads examples/NAME from the source tree; fails the test if invalid.
inline Config LoadExample(const std::string& name) {
  std::ifstream in(std::string(LVSNFT_SOURCE_DIR) + "/examples/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  Diagnostics d(name);
  auto cfg = LoadConfig(ss.str(), d);
  EXPECT_TRUE(cfg.has_value()) << d.FormatAll();
  return cfg.value_or(Config{});
}

/// A temporary directory below /tmp, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/lvsnft-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

/// One config text and the exact diagnostics LoadConfig must produce for
/// it as "c.json" ("" = valid).
struct DiagCase {
  const char* desc;
  std::string text;
  std::string want;
};

/// Loads each case and compares every diagnostic byte for byte.
inline void RunDiagCases(const std::vector<DiagCase>& cases) {
  for (const auto& c : cases) {
    Diagnostics d("c.json");
    auto cfg = LoadConfig(c.text, d);
    EXPECT_EQ(cfg.has_value(), !d.HasErrors()) << c.desc;
    EXPECT_EQ(d.FormatAll(), c.want) << c.desc << "\n" << c.text;
  }
}

}  // namespace lvsnft::testing
