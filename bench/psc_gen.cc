// psc_gen: the "per-service chain" nftables layout of kube-proxy and nftlb,
// written for the same lvsnft config, as the benchmarks' reference.
//
//   psc_gen CONFIG.json [--dispatch vmap|linear] [--table NAME]
//
// Every service gets its own chain holding one rule with an anonymous
// backend map (`dnat ip to numgen inc mod W map { 0 : RS . PORT, ... }`,
// weights expanded into repeated entries); one verdict map per table
// dispatches protocol . VIP . port to the service chains. NAT and FULLNAT
// services go to `table inet NAME` (nat hooks; FULLNAT sets ct mark 1 and
// a postrouting rule source-NATs it), DR services to `table netdev NAME`
// (ingress of director.interface, `fwd ip to jhash ... map { ... }`).
// --dispatch linear replaces each verdict map by one rule per service, in
// config order (what the datapath benchmark uses to show the cost of a
// linear chain). IPv4 only; bench-only tool, not part of lvsnft.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

/// Command-line options.
struct Options {
  std::string config;         ///< lvsnft config file
  bool linear = false;        ///< one dispatch rule per service
  std::string table = "psc";  ///< table name in both families
};

/// One real server as the generator needs it.
struct Backend {
  std::string address;  ///< IPv4 address
  int port = 0;         ///< 0: no port mapping
  int weight = 1;       ///< repetitions in the backend map
};

/// One virtual service.
struct Service {
  std::string name, vip, protocol, mode, scheduler;  ///< from the config
  std::vector<std::string> ports;                    ///< "80" or "8000-8080"
  std::vector<Backend> backends;                     ///< up servers only
};

/// Reads the services that the layout needs from the lvsnft config.
std::vector<Service> ReadServices(const json& cfg) {
  std::vector<Service> out;
  for (const auto& s : cfg.at("services")) {
    Service v;
    v.name = s.at("name");
    v.vip = s.at("vip");
    v.protocol = s.value("protocol", "tcp");
    v.mode = s.value("mode", "nat");
    v.scheduler = s.value("scheduler", v.mode == "nat" ? "wrr" : "mh");
    for (const auto& p : s.at("ports")) {
      v.ports.push_back(p.is_string() ? p.get<std::string>()
                                      : std::to_string(p.get<int>()));
    }
    for (const auto& r : s.at("real_servers")) {
      if (r.value("state", "up") != "up" || r.value("weight", 1) == 0) {
        continue;  // drained and down servers take no new connections
      }
      v.backends.push_back(
          {r.at("address"), r.value("port", 0), r.value("weight", 1)});
    }
    out.push_back(std::move(v));
  }
  return out;
}

/// The scheduler expression selecting an index in [0, w).
std::string Selector(const Service& s, int w) {
  std::string mod = " mod " + std::to_string(w);
  if (s.scheduler == "rr" || s.scheduler == "wrr") return "numgen inc" + mod;
  if (s.scheduler == "random") return "numgen random" + mod;
  if (s.scheduler == "dh") return "jhash ip daddr" + mod;
  if (s.scheduler == "sh") return "jhash ip saddr" + mod;
  return "jhash ip saddr . th sport" + mod;  // mh: source address and port
}

/// "{ 0 : A . P, 1 : ... }" with each backend repeated weight times;
/// `w` receives the number of entries.
std::string BackendMap(const Service& s, bool with_port, int& w) {
  std::string m = "{ ";
  w = 0;
  for (const auto& b : s.backends) {
    for (int i = 0; i < b.weight; ++i) {
      if (w) m += ", ";
      m += std::to_string(w++) + " : " + b.address;
      if (with_port) m += " . " + std::to_string(b.port);
    }
  }
  return m + " }";
}

/// The one rule of a service chain (empty backends: drop).
std::string ServiceRule(const Service& s) {
  if (s.backends.empty()) return "drop";
  int w = 0;
  if (s.mode == "dr") {
    std::string m = BackendMap(s, false, w);
    return "fwd ip to " + Selector(s, w) + " map " + m + " device \"%DEV%\"";
  }
  bool with_port = s.backends.front().port != 0;
  std::string m = BackendMap(s, with_port, w);
  std::string r = "meta l4proto " + s.protocol + " ";
  if (s.mode == "fullnat") r += "ct mark set 0x00000001 ";
  return r + "dnat ip to " + Selector(s, w) + " map " + m;
}

/// `tcp . 10.0.0.1 . 80` keys of a service, one per port entry.
std::vector<std::string> Keys(const Service& s) {
  std::vector<std::string> k;
  for (const auto& p : s.ports)
    k.push_back(s.protocol + " . " + s.vip + " . " + p);
  return k;
}

/// Replaces every %DEV% by the director interface.
std::string WithDevice(std::string text, const std::string& dev) {
  for (size_t at; (at = text.find("%DEV%")) != std::string::npos;) {
    text.replace(at, 5, dev);
  }
  return text;
}

/// The dispatch: a verdict map declaration plus its rule, or linear rules.
std::string Dispatch(const std::vector<const Service*>& svcs, bool linear,
                     const std::string& match) {
  std::string out;
  if (linear) {
    for (const auto* s : svcs) {
      for (const auto& p : s->ports) {
        out += "\t\tmeta l4proto " + s->protocol + " ip daddr " + s->vip +
               " th dport " + p + " goto svc_" + s->name + "\n";
      }
    }
    return out;
  }
  return "\t\t" + match + " meta l4proto . ip daddr . th dport vmap @svc4\n";
}

/// The svc4 verdict map with its elements (vmap dispatch only).
std::string DispatchMap(const std::vector<const Service*>& svcs) {
  std::string out =
      "\tmap svc4 {\n\t\ttype inet_proto . ipv4_addr . inet_service : "
      "verdict\n\t\tflags interval\n";
  std::string elems;
  for (const auto* s : svcs) {
    for (const auto& k : Keys(*s)) {
      elems +=
          (elems.empty() ? "" : ",\n\t\t\t") + k + " : goto svc_" + s->name;
    }
  }
  if (!elems.empty()) out += "\t\telements = { " + elems + " }\n";
  return out + "\t}\n";
}

/// The service chains of one table.
std::string ServiceChains(const std::vector<const Service*>& svcs) {
  std::string out;
  for (const auto* s : svcs) {
    out += "\tchain svc_" + s->name + " {\n\t\t" + ServiceRule(*s) + "\n\t}\n";
  }
  return out;
}

/// `table inet T`: NAT and FULLNAT services.
std::string InetTable(const Options& o, const std::vector<const Service*>& svcs,
                      const std::string& snat) {
  std::string hook = o.linear ? "" : DispatchMap(svcs);
  std::string d = Dispatch(svcs, o.linear, "meta nfproto ipv4");
  std::string out = "table inet " + o.table + " {\n" + hook;
  out +=
      "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; "
      "policy accept;\n" +
      d + "\t}\n";
  out +=
      "\tchain output {\n\t\ttype nat hook output priority -100; "
      "policy accept;\n" +
      d + "\t}\n";
  out +=
      "\tchain postrouting {\n\t\ttype nat hook postrouting priority "
      "srcnat; policy accept;\n\t\tct mark 0x00000001 " +
      snat + "\n\t}\n";
  return out + ServiceChains(svcs) + "}\n";
}

/// `table netdev T`: DR services at the director interface's ingress.
std::string NetdevTable(const Options& o,
                        const std::vector<const Service*>& svcs,
                        const std::string& dev) {
  std::string hook = o.linear ? "" : DispatchMap(svcs);
  std::string out = "table netdev " + o.table + " {\n" + hook;
  out += "\tchain ingress {\n\t\ttype filter hook ingress device \"" + dev +
         "\" priority -500; policy accept;\n" +
         Dispatch(svcs, o.linear, "meta protocol ip") + "\t}\n";
  return WithDevice(out + ServiceChains(svcs) + "}\n", dev);
}

/// Parses argv; false on a usage error.
bool Parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dispatch" && i + 1 < argc) {
      std::string v = argv[++i];
      if (v != "vmap" && v != "linear") return false;
      o.linear = v == "linear";
    } else if (a == "--table" && i + 1 < argc) {
      o.table = argv[++i];
    } else if (o.config.empty() && a.rfind("--", 0) != 0) {
      o.config = a;
    } else {
      return false;
    }
  }
  return !o.config.empty();
}

/// Writes the whole ruleset (delete-and-recreate, like lvsnft compile).
void Emit(const Options& o, const json& cfg) {
  std::vector<Service> all = ReadServices(cfg);
  std::vector<const Service*> inet, netdev;
  for (const auto& s : all) (s.mode == "dr" ? netdev : inet).push_back(&s);
  const json& dir = cfg.value("director", json::object());
  std::string dev = dir.value("interface", "eth0");
  std::string snat = "masquerade";
  if (dir.contains("local_addresses") && !dir["local_addresses"].empty()) {
    snat = "snat ip to " + dir["local_addresses"][0].get<std::string>();
  }
  std::string out = "#!/usr/sbin/nft -f\n";
  if (!inet.empty()) {
    out += "table inet " + o.table + "\ndelete table inet " + o.table + "\n";
    out += InetTable(o, inet, snat);
  }
  if (!netdev.empty()) {
    out +=
        "table netdev " + o.table + "\ndelete table netdev " + o.table + "\n";
    out += NetdevTable(o, netdev, dev);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!Parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: psc_gen CONFIG.json [--dispatch vmap|linear] "
                 "[--table NAME]\n");
    return 2;
  }
  try {
    std::ifstream in(o.config);
    if (!in) throw std::runtime_error("cannot open " + o.config);
    Emit(o, json::parse(in));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "psc_gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
