// Invariants of the lowering, checked on every example and on edits.
#include "compiler/lower.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "compiler/parse.h"
#include "compiler/render.h"
#include "plan_refs.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using testing::LoadExample;

const char* const kExamples[] = {"nat.json", "dr.json", "tun.json",
                                 "fullnat.json", "showcase.json"};

TEST(LowerTest, EveryReferencedSetAndChainExists) {
  for (const char* ex : kExamples) {
    plan::Plan p = Lower(LoadExample(ex));
    for (const auto& t : p.tables) {
      EXPECT_EQ(testing::DanglingRefs(t), std::vector<std::string>{}) << ex;
    }
  }
}

TEST(LowerTest, Deterministic) {
  for (const char* ex : kExamples) {
    Config c = LoadExample(ex);
    EXPECT_EQ(RenderNft(Lower(c)), RenderNft(Lower(c))) << ex;
  }
}

// Elements of `s` as comparable strings (set name, owner, key bytes, data).
std::multiset<std::string> Elements(const plan::Plan& p) {
  std::multiset<std::string> out;
  for (const auto& t : p.tables) {
    for (const auto& s : t.sets) {
      for (const auto& e : s.elements) {
        std::string k = s.name + "|" + e.service + "|";
        for (const auto& v : e.key) k.append(v.bytes.begin(), v.bytes.end());
        k += "|";
        for (const auto& v : e.data) k.append(v.bytes.begin(), v.bytes.end());
        if (e.verdict) k += e.verdict->chain;
        out.insert(k);
      }
    }
  }
  return out;
}

TEST(LowerTest, OneServerChangeTouchesOnlyItsService) {
  Config c = LoadExample("showcase.json");
  auto before = Elements(Lower(c));
  for (size_t i = 0; i < c.services.size(); ++i) {
    Config changed = c;
    changed.services[i].real_servers[0].weight += 2;
    auto after = Elements(Lower(changed));
    std::vector<std::string> diff;
    std::set_symmetric_difference(before.begin(), before.end(), after.begin(),
                                  after.end(), std::back_inserter(diff));
    for (const auto& d : diff) {
      std::string owner = d.substr(d.find('|') + 1);
      owner = owner.substr(0, owner.find('|'));
      EXPECT_EQ(owner, c.services[i].name) << "changing " << c.services[i].name;
    }
  }
}

TEST(LowerTest, ServiceOrderDoesNotMatter) {
  Config c = LoadExample("showcase.json");
  Config r = c;
  std::reverse(r.services.begin(), r.services.end());
  EXPECT_EQ(Elements(Lower(c)), Elements(Lower(r)));
}

}  // namespace
}  // namespace lvsnft
