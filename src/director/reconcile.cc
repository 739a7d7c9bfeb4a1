#include "director/reconcile.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <type_traits>

#include "base/hash.h"
#include "compiler/render.h"

namespace lvsnft::netlink {

namespace {

std::string TypesText(const std::vector<plan::DataType>& t) {
  std::string out;
  for (auto x : t) out += std::string(plan::DataTypeName(x)) + ".";
  return out;
}

uint64_t SetTag(const plan::Set& s) {
  std::string d =
      "set " + s.name + " " + TypesText(s.key) + ":" + TypesText(s.data) +
      (s.verdict_map ? "verdict" : "") + " i" + std::to_string(s.interval) +
      " d" + std::to_string(s.dynamic) + " t" + std::to_string(s.timeout) +
      " c" + std::to_string(s.counter) + " " + std::to_string(s.timeout_ms) +
      " " + std::to_string(s.size) + " " + s.comment;
  return Hash64(d, 2);
}

uint64_t ChainTag(const plan::Chain& c) {
  std::string d = "chain " + c.name + " " + c.comment;
  if (c.base) {
    d += " base " + c.base->type + " " + plan::HookName(c.base->hook) + " " +
         std::to_string(c.base->priority) + " " + c.base->device;
  }
  return Hash64(d, 3);
}

uint64_t RuleTag(const plan::Rule& r, plan::TableFamily fam,
                 const std::map<std::string, uint32_t>& ifindex) {
  std::string d = RenderRuleNft(r, fam) + " # " + r.comment;
  // fwd carries the device's ifindex: a recreated device needs a new rule.
  for (const auto& s : r.stmts) {
    if (auto* f = std::get_if<plan::Fwd>(&s)) {
      auto it = ifindex.find(f->device);
      d += " ifindex " + std::to_string(it == ifindex.end() ? 0 : it->second);
    }
  }
  return Hash64(d, 4);
}

}  // namespace

std::vector<std::pair<size_t, size_t>> MatchTags(
    const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  std::vector<std::vector<uint32_t>> t(a.size() + 1,
                                       std::vector<uint32_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      t[i][j] = a[i] == b[j] && a[i] != 0 ? t[i + 1][j + 1] + 1
                                          : std::max(t[i + 1][j], t[i][j + 1]);
    }
  }
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j] && a[i] != 0) {
      out.push_back({i++, j++});
    } else if (t[i + 1][j] >= t[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

namespace {

// LiveFromDesired for a const or an expiring DesiredTable.
template <typename D>
LiveTable MakeLive(D&& d) {
  LiveTable l;
  l.family = d.table->family;
  l.name = d.table->name;
  l.comment = d.table->comment;
  l.tag = d.tag;
  for (const auto& s : d.table->sets) {
    LiveSet ls;
    ls.name = s.name;
    ls.tag = d.set_tags.at(s.name);
    auto it = d.elements.find(s.name);
    if (it != d.elements.end()) {
      ls.elements.reserve(it->second.size());
      for (auto& e : it->second) {
        if constexpr (std::is_const_v<std::remove_reference_t<D>>) {
          ls.elements.push_back(e.ToLive());
        } else {
          ls.elements.push_back(std::move(e).ToLive());
        }
      }
      // An expiring table's emptied elements are freed set by set, so the
      // live copy never coexists with the whole desired one (24 MB at NAT
      // 10k x 10).
      if constexpr (!std::is_const_v<std::remove_reference_t<D>>)
        std::vector<RawElement>().swap(it->second);
    }
    l.sets.push_back(std::move(ls));
  }
  for (const auto& c : d.table->chains) {
    LiveChain lc;
    lc.name = c.name;
    lc.tag = d.chain_tags.at(c.name);
    const auto& tags = d.rule_tags.at(c.name);
    lc.rules.reserve(tags.size());
    for (size_t i = 0; i < tags.size(); ++i) {
      LiveRule r;
      r.tag = tags[i];
      r.comment = c.rules[i].comment;
      lc.rules.push_back(std::move(r));
    }
    l.chains.push_back(std::move(lc));
  }
  return l;
}

}  // namespace

LiveTable LiveFromDesired(const DesiredTable& d) { return MakeLive(d); }

LiveTable LiveFromDesired(DesiredTable&& d) { return MakeLive(std::move(d)); }

Result<DesiredTable> ToDesired(const plan::Table& t, const ElementEncoder& enc,
                               const std::map<std::string, uint32_t>& ifindex,
                               bool with_elements) {
  DesiredTable d;
  d.table = &t;
  d.tag =
      Hash64(std::string("lvsnft-table-v1 ") + plan::FamilyKeyword(t.family) +
                 " " + t.name + " " + t.comment,
             1);
  for (const auto& s : t.sets) {
    d.set_tags[s.name] = SetTag(s);
    if (s.dynamic || !with_elements) continue;
    auto raw = DesiredElements(s, enc);
    if (!raw.ok()) return raw.status();
    d.elements[s.name] = std::move(*raw);
  }
  for (const auto& c : t.chains) {
    d.chain_tags[c.name] = ChainTag(c);
    auto& tags = d.rule_tags[c.name];
    for (const auto& r : c.rules) tags.push_back(RuleTag(r, t.family, ifindex));
  }
  return d;
}

}  // namespace lvsnft::netlink
