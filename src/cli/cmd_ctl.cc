// `lvsnft ctl`: the client of the daemon's control socket. Sends one JSON
// request, prints the reply (as text, or as it came with --output json),
// exits 0 when the daemon answered ok.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace lvsnft::cli {
namespace {

using nlohmann::ordered_json;

struct CtlArgs {
  std::string socket = "/run/lvsnft/control.sock";
  std::string output = "text";
  std::string service, server, state;
  int weight = -1;
  bool all = false;
};

// One request, one reply: the daemon closes after answering.
bool Exchange(const std::string& path, const std::string& req,
              std::string& reply) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::fprintf(stderr, "lvsnft: ctl: cannot connect to %s: %s\n",
                 path.c_str(), std::strerror(errno));
    if (fd >= 0) close(fd);
    return false;
  }
  std::string line = req + "\n";
  ssize_t w = write(fd, line.data(), line.size());
  shutdown(fd, SHUT_WR);
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) reply.append(buf, n);
  close(fd);
  if (w < 0 || reply.empty()) {
    std::fprintf(stderr, "lvsnft: ctl: no reply from %s\n", path.c_str());
    return false;
  }
  return true;
}

std::string OverrideText(const ordered_json& o) {
  std::string s = "  " + o.value("service", "") + " " + o.value("server", "");
  if (o.contains("state")) s += " state=" + o["state"].get<std::string>();
  if (o.contains("weight")) s += " weight=" + o["weight"].dump();
  return s + "\n";
}

std::string Millis(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
  return buf;
}

std::string StatusText(const ordered_json& j) {
  const auto& ls = j["last_sync"];
  std::string s = "config: " + j.value("config", "") +
                  "\ngeneration: " + j["generation"].dump() +
                  "\nlast sync: " + ls.value("result", "") + " (" +
                  Millis(ls.value("duration_seconds", 0.0)) +
                  "), ruleset generation " + ls["ruleset_genid"].dump() +
                  "\nsyncs: " + j["syncs"]["ok"].dump() + " ok, " +
                  j["syncs"]["error"].dump() +
                  " failed\nreloads: " + j["reloads"]["ok"].dump() + " ok, " +
                  j["reloads"]["error"].dump() +
                  " failed\ndrift repairs: " + j["drift_repairs"].dump() +
                  "\noverrides:" + (j["overrides"].empty() ? " none\n" : "\n");
  for (const auto& o : j["overrides"]) s += OverrideText(o);
  return s;
}

std::string ReplyText(const std::string& cmd, const ordered_json& j) {
  if (!j.value("ok", false)) {
    std::string s = "error: " + j.value("error", "?") + "\n";
    if (j.contains("errors"))
      for (const auto& e : j["errors"]) s += e.get<std::string>() + "\n";
    return s;
  }
  if (cmd == "status") return StatusText(j);
  std::string s = cmd + ": ok, generation " + j["generation"].dump() + "\n";
  if (j.contains("overrides")) {
    s += "overrides:" + std::string(j["overrides"].empty() ? " none\n" : "\n");
    for (const auto& o : j["overrides"]) s += OverrideText(o);
  }
  return s;
}

int RunCtl(const std::string& cmd, const CtlArgs& a) {
  ordered_json req;
  req["command"] = cmd;
  if (!a.service.empty()) req["service"] = a.service;
  if (!a.server.empty()) req["server"] = a.server;
  if (a.weight >= 0) req["weight"] = a.weight;
  if (!a.state.empty()) req["state"] = a.state;
  if (a.all) req["all"] = true;
  std::string reply;
  if (!Exchange(a.socket, req.dump(), reply)) return 1;
  auto j = ordered_json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    std::fprintf(stderr, "lvsnft: ctl: malformed reply: %s", reply.c_str());
    return 1;
  }
  std::string out = a.output == "json" ? reply : ReplyText(cmd, j);
  std::fputs(out.c_str(), j.value("ok", false) ? stdout : stderr);
  return j.value("ok", false) ? 0 : 1;
}

CLI::App* AddCtlCommand(CLI::App* ctl, Dispatch& d, std::shared_ptr<CtlArgs> a,
                        const std::string& name, const std::string& help) {
  auto* sub = ctl->add_subcommand(name, help);
  sub->callback(
      [&d, a, name] { d.action = [a, name] { return RunCtl(name, *a); }; });
  return sub;
}

}  // namespace

void RegisterCtl(CLI::App& app, Dispatch& d) {
  auto* ctl = app.add_subcommand("ctl", "Talk to a running lvsnft daemon");
  ctl->require_subcommand(1);
  auto a = std::make_shared<CtlArgs>();
  ctl->add_option("--control-socket", a->socket, "The daemon's socket")
      ->capture_default_str();
  ctl->add_option("--output", a->output, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddCtlCommand(ctl, d, a, "status", "The daemon's view: syncs, overrides");
  AddCtlCommand(ctl, d, a, "reload", "Re-read the config (like SIGHUP)");
  auto* set = AddCtlCommand(ctl, d, a, "set",
                            "Override a real server's weight and/or state");
  set->add_option("service", a->service, "Service name")->required();
  set->add_option("server", a->server, "ADDR or ADDR:PORT")->required();
  set->add_option("--weight", a->weight, "Weight 0..65535");
  set->add_option("--state", a->state, "up, drain or down");
  auto* clear = AddCtlCommand(ctl, d, a, "clear",
                              "Remove an override (or all with --all)");
  clear->add_option("service", a->service, "Service name");
  clear->add_option("server", a->server, "ADDR or ADDR:PORT");
  clear->add_flag("--all", a->all, "Remove every override");
}

}  // namespace lvsnft::cli
