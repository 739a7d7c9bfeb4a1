// nft JSON renderer: the plan as one libnftables JSON command list.
//
// Per table, in plan order: add table, delete table, add table (so the
// table exists and is empty, like the text script), then sets and maps,
// chains, elements (verdict maps name chains) and rules. The forms are the
// ones Debian 12's `nft -j -f` (nft 1.0.6) accepts; docs/JSON.md lists them
// with the limits of that parser.
#include <nlohmann/json.hpp>

#include "compiler/json_stmt.h"
#include "compiler/render.h"

namespace lvsnft {

using nlohmann::json;

namespace {

// The object naming a table ("family", "name"), the start of every command.
json TableRef(const plan::Table& t) {
  return {{"family", plan::FamilyKeyword(t.family)}, {"name", t.name}};
}

// Same, for objects inside the table ("family", "table").
json InTable(const plan::Table& t) {
  return {{"family", plan::FamilyKeyword(t.family)}, {"table", t.name}};
}

json Add(const char* what, json obj) { return {{"add", {{what, obj}}}}; }

json DataTypesJson(const std::vector<plan::DataType>& types) {
  if (types.size() == 1) return plan::DataTypeName(types[0]);
  json arr = json::array();
  for (auto t : types) arr.push_back(plan::DataTypeName(t));
  return arr;
}

json SetJson(const plan::Table& t, const plan::Set& s) {
  json o = InTable(t);
  o["name"] = s.name;
  o["type"] = DataTypesJson(s.key);
  // Concatenated data ("map": [...]) is the form of nft >= 1.1.0; nft 1.0.6
  // cannot declare such a map in JSON at all (docs/JSON.md).
  if (s.verdict_map) o["map"] = "verdict";
  if (!s.data.empty()) o["map"] = DataTypesJson(s.data);
  json flags = json::array();
  if (s.interval) flags.push_back("interval");
  // "dynamic" is not a JSON set flag in nft 1.0.6; nft adds it by itself to
  // every set that an `update @set` statement refers to.
  if (s.timeout) flags.push_back("timeout");
  if (!flags.empty()) o["flags"] = flags;
  if (s.timeout_ms != 0) o["timeout"] = nftjson::TimeoutSeconds(s.timeout_ms);
  if (s.size != 0) o["size"] = s.size;
  // A counter on the set gives every element its own counter.
  if (s.counter) {
    json counter = {{"counter", nullptr}};
    o["stmt"] = json::array({counter});
  }
  if (!s.comment.empty()) o["comment"] = s.comment;
  return Add(s.verdict_map || !s.data.empty() ? "map" : "set", o);
}

json ChainJson(const plan::Table& t, const plan::Chain& c) {
  json o = InTable(t);
  o["name"] = c.name;
  if (c.base) {
    o["type"] = c.base->type;
    o["hook"] = plan::HookName(c.base->hook);
    o["prio"] = c.base->priority;
    o["policy"] = "accept";
    // `nft -j list` leaves the device out, but the parser needs it.
    if (!c.base->device.empty()) o["dev"] = c.base->device;
  }
  if (!c.comment.empty()) o["comment"] = c.comment;
  return Add("chain", o);
}

// One key or data tuple: a scalar, or a concatenation; components whose
// interval end differs from their start become ranges.
json TupleJson(const std::vector<plan::Value>& start,
               const std::vector<plan::Value>& end) {
  json parts = json::array();
  for (size_t i = 0; i < start.size(); ++i) {
    json v = nftjson::ValueJson(start[i]);
    if (i < end.size() && !(end[i] == start[i])) {
      v = {{"range", json::array({v, nftjson::ValueJson(end[i])})}};
    }
    parts.push_back(v);
  }
  if (parts.size() == 1) return parts[0];
  return {{"concat", parts}};
}

json ElementJson(const plan::Set& s, const plan::Element& e) {
  json key = TupleJson(e.key, e.key_end);
  if (s.verdict_map) {
    return json::array(
        {key, nftjson::VerdictJson(e.verdict.value_or(plan::Verdict{}))});
  }
  if (!s.data.empty()) return json::array({key, TupleJson(e.data, {})});
  return key;
}

json ElementsJson(const plan::Table& t, const plan::Set& s) {
  json o = InTable(t);
  o["name"] = s.name;
  json elems = json::array();
  plan::ForEachElement(
      s, [&](const plan::Element& e) { elems.push_back(ElementJson(s, e)); });
  o["elem"] = elems;
  return Add("element", o);
}

json RuleJson(const plan::Table& t, const plan::Chain& c, const plan::Rule& r) {
  json o = InTable(t);
  o["chain"] = c.name;
  json expr = json::array();
  for (const auto& s : r.stmts) expr.push_back(nftjson::StmtJson(s));
  o["expr"] = expr;
  if (!r.comment.empty()) o["comment"] = r.comment;
  return Add("rule", o);
}

void AppendTable(const plan::Table& t, json& cmds) {
  cmds.push_back(Add("table", TableRef(t)));
  cmds.push_back({{"delete", {{"table", TableRef(t)}}}});
  json table = TableRef(t);
  if (!t.comment.empty()) table["comment"] = t.comment;
  cmds.push_back(Add("table", table));
  for (const auto& s : t.sets) cmds.push_back(SetJson(t, s));
  for (const auto& c : t.chains) cmds.push_back(ChainJson(t, c));
  for (const auto& s : t.sets) {
    if (!plan::NoElements(s)) cmds.push_back(ElementsJson(t, s));
  }
  for (const auto& c : t.chains) {
    for (const auto& r : c.rules) cmds.push_back(RuleJson(t, c, r));
  }
}

}  // namespace

std::string RenderJson(const plan::Plan& p) {
  json cmds = json::array();
  cmds.push_back({{"metainfo", {{"json_schema_version", 1}}}});
  for (const auto& t : p.tables) AppendTable(t, cmds);
  json doc = {{"nftables", cmds}};
  // Comments come from the config; never throw on invalid UTF-8 in them.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace lvsnft
