// Keeps schema/lvsnft-config.schema.json in step with the parser: same keys,
// same enumerations, same defaults, and every example valid under both.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_names.h"
#include "config/parse.h"

namespace lvsnft {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

json Schema() {
  return ReadJson(LVSNFT_SOURCE_DIR "/schema/lvsnft-config.schema.json");
}

/// A validator for the subset of JSON Schema 2020-12 the lvsnft schema
/// uses. A keyword outside the subset is itself reported as an error, so
/// the schema cannot silently grow past what this test checks.
class MiniValidator {
 public:
  explicit MiniValidator(json root) : root_(std::move(root)) {}

  /// Every violation of `doc`, as "POINTER: reason".
  std::vector<std::string> Validate(const json& doc) {
    errors_.clear();
    Check(root_, doc, "");
    return errors_;
  }

 private:
  void Fail(const std::string& at, const std::string& why) {
    errors_.push_back((at.empty() ? "/" : at) + ": " + why);
  }
  bool Matches(const json& schema, const json& doc) {
    auto saved = errors_;
    errors_.clear();
    Check(schema, doc, "");
    bool ok = errors_.empty();
    errors_ = saved;
    return ok;
  }
  static bool HasType(const json& doc, const std::string& t) {
    if (t == "integer") return doc.is_number_integer();
    if (t == "number") return doc.is_number();
    if (t == "string") return doc.is_string();
    if (t == "boolean") return doc.is_boolean();
    if (t == "array") return doc.is_array();
    if (t == "object") return doc.is_object();
    return t == "null" && doc.is_null();
  }
  void Check(const json& s, const json& doc, const std::string& at);
  void CheckObject(const json& s, const json& doc, const std::string& at);
  void CheckScalar(const std::string& key, const json& v, const json& doc,
                   const std::string& at);

  json root_;
  std::vector<std::string> errors_;
};

void MiniValidator::Check(const json& s, const json& doc,
                          const std::string& at) {
  static const std::set<std::string> kIgnored = {
      "$schema", "title", "description", "default", "$defs"};
  for (const auto& [key, v] : s.items()) {
    if (kIgnored.count(key)) continue;
    if (key == "$ref") {
      Check(root_.at(json::json_pointer(v.get<std::string>().substr(1))), doc,
            at);
    } else if (key == "type") {
      if (!HasType(doc, v.get<std::string>())) Fail(at, "not " + v.dump());
    } else if (key == "anyOf" || key == "oneOf") {
      size_t n = std::count_if(v.begin(), v.end(), [&](const json& sub) {
        return Matches(sub, doc);
      });
      if (n == 0 || (key == "oneOf" && n > 1)) Fail(at, key + " failed");
    } else if (key == "properties" || key == "required" ||
               key == "additionalProperties") {
      if (doc.is_object() && key == "properties") CheckObject(s, doc, at);
    } else if (key == "items" || key == "minItems") {
      if (!doc.is_array()) continue;
      if (key == "minItems" && doc.size() < v.get<size_t>()) {
        Fail(at, "too few items");
      }
      for (size_t i = 0; key == "items" && i < doc.size(); ++i) {
        Check(v, doc[i], at + "/" + std::to_string(i));
      }
    } else {
      CheckScalar(key, v, doc, at);
    }
  }
}

void MiniValidator::CheckObject(const json& s, const json& doc,
                                const std::string& at) {
  const json& props = s.at("properties");
  for (const auto& r : s.value("required", json::array())) {
    if (!doc.contains(r.get<std::string>())) Fail(at, "missing " + r.dump());
  }
  for (const auto& [k, v] : doc.items()) {
    if (props.contains(k)) {
      Check(props.at(k), v, at + "/" + k);
    } else if (s.value("additionalProperties", true) == false) {
      Fail(at + "/" + k, "additional property");
    }
  }
}

void MiniValidator::CheckScalar(const std::string& key, const json& v,
                                const json& doc, const std::string& at) {
  if (key == "enum") {
    if (std::find(v.begin(), v.end(), doc) == v.end()) Fail(at, "not in enum");
  } else if (key == "const") {
    if (doc != v) Fail(at, "not " + v.dump());
  } else if (key == "minimum" || key == "maximum" ||
             key == "exclusiveMinimum") {
    if (!doc.is_number()) return;
    double n = doc.get<double>(), limit = v.get<double>();
    bool bad = key == "minimum"   ? n < limit
               : key == "maximum" ? n > limit
                                  : n <= limit;
    if (bad) Fail(at, key + " " + v.dump());
  } else if (key == "minLength" || key == "maxLength") {
    if (!doc.is_string()) return;
    size_t n = doc.get<std::string>().size();
    if (key == "minLength" ? n < v.get<size_t>() : n > v.get<size_t>()) {
      Fail(at, key + " " + v.dump());
    }
  } else if (key == "pattern") {
    if (!doc.is_string()) return;
    if (!std::regex_search(doc.get<std::string>(),
                           std::regex(v.get<std::string>()))) {
      Fail(at, "does not match " + v.get<std::string>());
    }
  } else {
    Fail(at, "schema keyword \"" + key + "\" is outside the tested subset");
  }
}

/// The schema object describing one parser key table.
const json& ObjectSchema(const json& schema, std::string_view kind) {
  return kind == "config" ? schema : schema.at("$defs").at(std::string(kind));
}

TEST(SchemaTest, ObjectsHaveTheParserKeys) {
  json schema = Schema();
  for (const auto& table : names::kKeyTables) {
    const json& obj = ObjectSchema(schema, table.kind);
    std::set<std::string> in_schema, in_parser;
    for (const auto& [k, v] : obj.at("properties").items()) in_schema.insert(k);
    for (auto k : table.keys) in_parser.insert(std::string(k));
    EXPECT_EQ(in_schema, in_parser) << table.kind;
    EXPECT_EQ(obj.at("additionalProperties"), false) << table.kind;
    EXPECT_EQ(obj.at("type"), "object") << table.kind;
  }
}

/// Collects every "enum" in the schema with the property name it sits under.
void CollectEnums(const json& s, const std::string& key,
                  std::vector<std::pair<std::string, json>>& out) {
  if (s.is_object()) {
    if (s.contains("enum")) out.emplace_back(key, s.at("enum"));
    for (const auto& [k, v] : s.items()) {
      CollectEnums(v, k == "properties" ? key : k, out);
    }
  } else if (s.is_array()) {
    for (const auto& v : s) CollectEnums(v, key, out);
  }
}

TEST(SchemaTest, EnumsEqualTheParserNames) {
  std::vector<std::pair<std::string, json>> enums;
  CollectEnums(Schema(), "", enums);
  std::set<std::string> seen;
  for (const auto& [key, values] : enums) {
    auto it = std::find_if(names::kEnumTables.begin(), names::kEnumTables.end(),
                           [&](const auto& t) { return t.key == key; });
    ASSERT_NE(it, names::kEnumTables.end()) << "schema enum under " << key;
    json want = json::array();
    for (auto v : it->values) want.push_back(std::string(v));
    EXPECT_EQ(values, want) << key;
    seen.insert(key);
  }
  for (const auto& t : names::kEnumTables) {
    EXPECT_TRUE(seen.count(std::string(t.key)))
        << "no schema enum for " << t.key;
  }
}

TEST(SchemaTest, DefaultsEqualTheModel) {
  json s = Schema();
  const json& d = s.at("$defs");
  auto def = [&](const char* obj, const char* key) {
    return d.at(obj).at("properties").at(key).at("default");
  };
  Director dir;
  Service svc;
  Persistence per;
  RealServer rs;
  HealthCheck hc;
  HealthPolicy pol;
  struct C {
    const char* desc;
    json schema;
    json model;
  };
  const C cases[] = {
      {"manage_vips", def("director", "manage_vips"), dir.manage_vips},
      {"flow_timeout", def("director", "flow_timeout"), dir.flow_timeout_s},
      {"flow_table_size", def("director", "flow_table_size"),
       dir.flow_table_size},
      {"protocol", def("service", "protocol"), ProtoName(svc.protocol)},
      {"mode", def("service", "mode"), ModeName(svc.mode)},
      {"mh_table_size", def("service", "mh_table_size"), svc.mh_table_size},
      {"mh_port", def("service", "mh_port"), svc.mh_port},
      {"persistence timeout", def("persistence", "timeout"), per.timeout_s},
      {"weight", def("real_server", "weight"), rs.weight},
      {"state", def("real_server", "state"), RsStateName(rs.state)},
      {"interval", def("health_check", "interval"), hc.interval.count() / 1000},
      {"rise", def("health_check", "rise"), hc.rise},
      {"fall", def("health_check", "fall"), hc.fall},
      {"initial_state", def("health_check", "initial_state"),
       InitialStateName(hc.initial_state)},
      {"path", def("health_check", "path"), hc.path},
      {"verify", def("health_check", "verify"), hc.verify},
      {"on_failure", def("service", "on_failure"),
       OnFailureName(pol.on_failure)},
      {"quorum", def("service", "quorum"), pol.quorum},
      {"hysteresis", def("service", "hysteresis"), pol.hysteresis},
      {"flush_conntrack", def("service", "flush_conntrack"),
       pol.flush_conntrack},
      {"all_down", def("service", "all_down"), AllDownName(pol.all_down)},
  };
  for (const auto& c : cases) EXPECT_EQ(c.schema, c.model) << c.desc;
}

std::vector<fs::path> Examples() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(LVSNFT_SOURCE_DIR "/examples")) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SchemaTest, ExamplesAreValid) {
  MiniValidator v(Schema());
  auto examples = Examples();
  EXPECT_GE(examples.size(), 5u);
  for (const auto& p : examples) {
    auto errors = v.Validate(ReadJson(p));
    EXPECT_TRUE(errors.empty()) << p << ": " << errors.front();
  }
}

TEST(SchemaTest, SchemaAndParserRejectTheSameStructuralErrors) {
  const std::string head = R"({"version": 1, "director": {"interface": "e"}, )";
  const std::string svc = R"("services": [{"name": "a", "vip": "10.0.0.1", )";
  struct C {
    const char* desc;
    std::string text;
    const char* schema_error;
  };
  const C cases[] = {
      {"unknown key", head + svc + R"("ports": 80, "prot": "udp"}]})",
       "/services/0/prot: additional property"},
      {"bad enum", head + svc + R"("ports": 80, "mode": "direct"}]})",
       "/services/0/mode: not in enum"},
      {"port zero", head + svc + R"("ports": [0]}]})",
       "/services/0/ports: oneOf failed"},
      {"empty port list", head + svc + R"("ports": []}]})",
       "/services/0/ports: oneOf failed"},
      {"missing ports", head + svc + R"("comment": ""}]})",
       "/services/0: missing \"ports\""},
      {"version 2", R"({"version": 2, "services": []})", "/version: not 1"},
      {"weight as string",
       head + svc +
           R"("ports": 80, "real_servers": [{"address": "10.0.0.2", )"
           R"("weight": "2"}]}]})",
       "/services/0/real_servers/0/weight: not \"integer\""},
      {"NUL in the VIP",
       head + R"("services": [{"name": "a", "vip": "10.0.0.1\u0000x", )"
              R"("ports": 80}]})",
       "/services/0/vip: does not match "
       "^([0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"},
      {"NUL in a comment",
       head + svc + R"("ports": 80, "comment": "\u0000"}]})",
       "/services/0/comment: does not match ^[^\\u0000]*$"},
      {"nft wildcard in the interface",
       R"({"version": 1, "director": {"interface": "e*"}, "services": []})",
       "/director/interface: does not match "
       "^[^/:\\s\\u0000-\\u001f\\u007f\"*\\\\]+$"},
      {"control character in the interface",
       R"({"version": 1, "director": {"interface": "e\u0001"}, "services": []})",
       "/director/interface: does not match "
       "^[^/:\\s\\u0000-\\u001f\\u007f\"*\\\\]+$"},
      {"health check type",
       head + svc +
           R"("ports": 80, "health_check": )"
           R"({"type": "icmp"}}]})",
       "/services/0/health_check/type: not in enum"},
      {"health check interval 0",
       head + svc +
           R"("ports": 80, "health_check": )"
           R"({"type": "tcp", "interval": 0}}]})",
       "/services/0/health_check/interval: exclusiveMinimum 0"},
      {"status code 600",
       head + svc +
           R"("ports": 80, "health_check": )"
           R"({"type": "http", "status": [600]}}]})",
       "/services/0/health_check/status: oneOf failed"},
      {"path without a slash",
       head + svc +
           R"("ports": 80, "health_check": )"
           R"({"type": "http", "path": "x"}}]})",
       "/services/0/health_check/path: does not match "
       "^/[^\\u0000-\\u0020\\u007f]*$"},
      {"sorry server without address",
       head + svc + R"("ports": 80, "sorry_server": {"port": 80}}]})",
       "/services/0/sorry_server: missing \"address\""},
      {"negative flow table",
       R"({"version": 1, "director": {"flow_table_size": -1}, "services": []})",
       "/director/flow_table_size: minimum 0"},
  };
  MiniValidator v(Schema());
  for (const auto& c : cases) {
    auto errors = v.Validate(json::parse(c.text));
    ASSERT_FALSE(errors.empty()) << c.desc;
    EXPECT_EQ(errors.front(), c.schema_error) << c.desc;
    Diagnostics d;
    EXPECT_FALSE(LoadConfig(c.text, d)) << c.desc;
  }
}

}  // namespace
}  // namespace lvsnft
