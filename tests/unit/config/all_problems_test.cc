// One run reports every problem: errors the parser finds do not hide the
// semantic errors of the parts that did parse (a bad netmask used to hide
// duplicate names and overlaps until it was fixed), and values the parser
// rejected cause no follow-on errors.
#include <gtest/gtest.h>

#include "test_util.h"

namespace lvsnft {
namespace {

TEST(AllProblemsTest, ParseErrorsDoNotHideSemanticErrors) {
  testing::RunDiagCases({{
      "netmask, unknown key, duplicate name, overlap, rs = vip, port mapping",
      R"({"version": 1, "director": {"interface": "eth0"}, "services": [
  {"name": "web", "vip": "10.0.0.1", "ports": [80],
   "persistence": {"netmask": 33}, "real_servers": [{"address": "10.1.0.1"}]},
  {"name": "web", "vip": "10.0.0.1", "ports": ["70-90"], "colour": 1,
   "real_servers": [{"address": "10.0.0.1"}]},
  {"name": "d", "vip": "10.0.0.9", "ports": [443], "mode": "dr",
   "real_servers": [{"address": "10.1.0.9", "port": 8443}]}
]})",
      "c.json:3:31: error: /services/0/persistence/netmask: netmask /33 is "
      "longer than an IPv4 address (at most /32)\n"
      "c.json:4:12: error: /services/1/name: duplicate service name \"web\" "
      "(first used at /services/0/name)\n"
      "c.json:4:48: error: /services/1/ports/0: port range 70-90 overlaps "
      "port 80 of service \"web\" (/services/0/ports/0): 10.0.0.1 tcp port 80 "
      "would be served twice\n"
      "c.json:4:58: error: /services/1/colour: unknown key \"colour\" "
      "(expected name, vip, protocol, ports, mode, scheduler, mh_table_size, "
      "mh_port, persistence, real_servers, health_check, on_failure, quorum, "
      "hysteresis, flush_conntrack, sorry_server, all_down or comment)\n"
      "c.json:5:33: error: /services/1/real_servers/0/address: real server "
      "address 10.0.0.1 is the VIP of service \"web\" (/services/0/vip)\n"
      "c.json:7:53: error: /services/2/real_servers/0/port: port mapping is "
      "not possible in dr mode: the packet is forwarded unchanged (remove "
      "\"port\" or set it to 443)\n",
  }});
}

TEST(AllProblemsTest, RejectedValuesCauseNoFollowOnErrors) {
  testing::RunDiagCases({{
      "two bad VIPs would both default to 0.0.0.0 and overlap",
      R"({"version": 1, "director": {"interface": "eth0"}, "services": [
  {"name": "a", "vip": "10.0.0.x", "ports": [80]},
  {"name": "b", "vip": "10.0.0.y", "ports": [80],
   "real_servers": [{"address": "bad"}, {"address": "10.1.0.1", "weight": -1}]}
]})",
      "c.json:2:24: error: /services/0/vip: invalid IP address \"10.0.0.x\": "
      "expected dotted-quad IPv4 or IPv6\n"
      "c.json:3:24: error: /services/1/vip: invalid IP address \"10.0.0.y\": "
      "expected dotted-quad IPv4 or IPv6\n"
      "c.json:4:33: error: /services/1/real_servers/0/address: invalid IP "
      "address \"bad\": expected dotted-quad IPv4 or IPv6\n"
      "c.json:4:75: error: /services/1/real_servers/1/weight: -1 is out of "
      "range 0..65535\n",
  }});
}

TEST(AllProblemsTest, SchemaKeyAndCommentsEverywhere) {
  testing::RunDiagCases({
      {"$schema and a comment on every object",
       R"({"$schema": "../schema/lvsnft-config.schema.json",
  "comment": "front door", "version": 1,
  "director": {"interface": "eth0", "comment": "uplink"},
  "services": [{"name": "a", "vip": "10.0.0.1", "ports": [80],
    "comment": "web", "persistence": {"timeout": 60, "comment": "carts"},
    "real_servers": [{"address": "10.1.0.1", "comment": "rack 1"}]}]})",
       ""},
      {"comments and $schema are strings",
       R"({"$schema": 1, "version": 1, "comment": ["x"],
  "director": {"interface": "eth0", "comment": null},
  "services": []})",
       "c.json:1:13: error: /$schema: expected a string, got number 1\n"
       "c.json:1:41: error: /comment: expected a string, got an array\n"
       "c.json:2:48: error: /director/comment: expected a string, got null\n"},
  });
}

}  // namespace
}  // namespace lvsnft
