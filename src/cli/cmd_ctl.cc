// `lvsnft ctl`: the client of the daemon's control socket. Sends one JSON
// request, prints the reply (as text, or as it came with --output json),
// exits 0 when the daemon answered ok.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "cli/control_client.h"

namespace lvsnft::cli {
namespace {

using nlohmann::ordered_json;

// A `set` returns once the sync is committed; a big config may take long.
constexpr int kCtlTimeoutMs = 120000;

struct CtlArgs {
  std::string socket = kDefaultControlSocket;
  std::string output = "text";
  std::string service, server, state;
  int weight = -1;
  bool all = false;
};

std::string ReplyText(const std::string& cmd, const ordered_json& j) {
  if (!j.value("ok", false)) {
    std::string s = "error: " + j.value("error", "?") + "\n";
    if (j.contains("errors"))
      for (const auto& e : j["errors"]) s += e.get<std::string>() + "\n";
    return s;
  }
  if (cmd == "status") return DaemonStatusText(j, "");
  std::string s = cmd + ": ok, generation " + j["generation"].dump() + "\n";
  if (j.contains("overrides")) s += DaemonOverridesText(j, "");
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
  auto sent = ControlExchange(a.socket, req.dump(), kCtlTimeoutMs);
  if (!sent.ok()) return Fail("ctl", sent.status().message());
  const std::string& reply = *sent;
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
  AddOutputOption(ctl, a->output);
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
