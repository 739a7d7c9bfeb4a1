// libFuzzer target for the configuration front end: arbitrary bytes through
// LoadConfig (JSON reader, parser, semantic checks, diagnostics). Besides
// the sanitizers it checks a few invariants and compares the JSON reader
// with nlohmann::json as an independent oracle.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "compiler/lower.h"
#include "compiler/render.h"
#include "config/check.h"
#include "config/json.h"
#include "config/parse.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

/// Every diagnostic has a position inside the input, a pointer and a reason.
void CheckDiagnostics(const lvsnft::Diagnostics& d, std::string_view text) {
  int lines = 1;
  for (char c : text) lines += c == '\n' || c == '\r';
  for (const auto& item : d.items()) {
    Require(item.loc.line >= 1 && item.loc.line <= lines, "line in range");
    Require(item.loc.col >= 1, "column set");
    Require(item.pointer.empty() || item.pointer[0] == '/', "pointer form");
    Require(!item.message.empty(), "message present");
    Require(item.message.find('\n') == std::string::npos, "one-line message");
  }
  (void)d.FormatAll();
}

/// The JSON reader accepts only what nlohmann accepts; it rejects valid
/// JSON only for its own limits and for duplicate keys. Not compared:
/// inputs with a NUL byte (nlohmann stops there as if the input ended) and
/// numbers beyond double range (nlohmann's own limit; RFC 8259 §6 allows
/// both choices).
void CompareWithNlohmann(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return;
  lvsnft::Diagnostics d;
  bool mine = lvsnft::json::Parse(text, d).has_value();
  bool theirs = true;
  try {
    (void)nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
    return;  // 406: number overflow
  } catch (const nlohmann::json::exception&) {
    theirs = false;
  }
  if (mine) Require(theirs, "reader accepted invalid JSON");
  if (theirs && !mine) {
    const std::string& m = d.items().front().message;
    Require(m.starts_with("duplicate key") || m.starts_with("nesting") ||
                m.starts_with("too many values") ||
                m.starts_with("input too large"),
            "reader rejected valid JSON");
  }
}

/// A config that loads is fully usable by the later stages.
void CheckConfigShape(const lvsnft::Config& cfg) {
  for (const auto& s : cfg.services) {
    Require(lvsnft::IsSafeName(s.name), "safe name");
    Require(!s.ports.empty(), "ports present");
    for (const auto& r : s.ports) {
      Require(r.first >= 1 && r.first <= r.last, "port range ordered");
    }
    for (const auto& rs : s.real_servers) {
      Require(rs.weight <= 65535, "weight range");
      Require(rs.address.family == s.vip.family, "rs family");
    }
  }
}

/// A valid config compiles: lowering and both renderers run without
/// crashing and the text renderer is deterministic. Configs whose Maglev
/// tables would take long to build are skipped to keep the fuzzer fast.
void CompileValid(const lvsnft::Config& cfg) {
  uint64_t slots = 0;
  for (const auto& s : cfg.services) slots += s.mh_table_size;
  if (slots > 200000) return;
  lvsnft::plan::Plan p = lvsnft::Lower(cfg);
  std::string text = lvsnft::RenderNft(p);
  Require(text == lvsnft::RenderNft(lvsnft::Lower(cfg)),
          "deterministic compile");
  (void)lvsnft::RenderJson(p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lvsnft::Diagnostics d("fuzz.json");
  auto cfg = lvsnft::LoadConfig(text, d);
  Require(cfg.has_value() != d.HasErrors(), "result agrees with diagnostics");
  CheckDiagnostics(d, text);
  if (cfg) CheckConfigShape(*cfg);
  if (cfg) CompileValid(*cfg);
  CompareWithNlohmann(text);
  return 0;
}
