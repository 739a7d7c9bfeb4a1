// render_json_cases DIR: writes the cases of tests/kernel/render_json.test.sh
// (this folder holds the cases, one header per topic).
//
// For every case of the table: DIR/NAME.json (RenderJson of a plan built
// here), DIR/NAME.nft (the same ruleset written by hand in nft syntax),
// DIR/NAME.err and DIR/NAME.rc for cases where `nft -j -f` must fail (its
// exact stderr and exit status),
// and one line "NAME<TAB>EXPECT<TAB>DESCRIPTION" in DIR/cases.tsv, where
// EXPECT is same, nocomments or fail.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/render.h"
#include "json_case_kit.h"
#include "json_cases_layout.h"
#include "json_cases_nat.h"
#include "json_cases_netdev.h"
#include "json_cases_objects.h"
#include "json_cases_stmt.h"

namespace lvsnft::jsoncases {
namespace {

std::vector<Case> AllCases() {
  return {MatchInet(),       MatchNetdev(),
          LookupCase(),      VmapCase(),
          SetMarkCase(),     UpdateCase(),
          NatCase(),         NatPortMapCase(),
          FwdCase(),         VerdictCase(),
          BaseChainsCase(),  CommentsCase(),
          SetOptionsCase(),  TwoTablesCase(),
          NatLayoutCase(),   NatLayoutPortMapCase(),
          NetdevLayoutCase()};
}

const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kSame:
      return "same";
    case Expect::kNoComments:
      return "nocomments";
    case Expect::kFail:
      return "fail";
  }
  return "?";
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

int Run(const std::string& dir) {
  std::string index;
  for (const Case& c : AllCases()) {
    std::string base = dir + "/" + c.name;
    bool ok = WriteFile(base + ".json", RenderJson(c.plan)) &&
              WriteFile(base + ".nft", c.nft);
    if (ok && c.expect == Expect::kFail) {
      ok = WriteFile(base + ".err", c.error) &&
           WriteFile(base + ".rc", std::to_string(c.exit_code) + "\n");
    }
    if (!ok) {
      std::fprintf(stderr, "render_json_cases: cannot write %s.*\n",
                   base.c_str());
      return 1;
    }
    index += c.name + "\t" + ExpectName(c.expect) + "\t" + c.desc + "\n";
  }
  return WriteFile(dir + "/cases.tsv", index) ? 0 : 1;
}

}  // namespace
}  // namespace lvsnft::jsoncases

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: render_json_cases DIR\n");
    return 2;
  }
  return lvsnft::jsoncases::Run(argv[1]);
}
