// The client side of the daemon's control socket, shared by `lvsnft ctl`
// and `lvsnft status` (which shows the daemon's view when one answers).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "cli/kernel_env.h"

namespace lvsnft::cli {

/// Where the daemon listens when nothing else is said.
inline constexpr char kDefaultControlSocket[] = "/run/lvsnft/control.sock";

/// The daemon's socket: `given` (--control-socket) when set, else
/// control.sock in a --state-dir that was given (tests), else
/// kDefaultControlSocket.
std::string ControlSocketPath(const std::string& given, const KernelOptions& o,
                              bool state_dir_given);

/// Sends one request, returns the whole reply. Each of connect, send and
/// receive gives up after `timeout_ms` of silence.
Result<std::string> ControlExchange(const std::string& path,
                                    const std::string& request, int timeout_ms);

/// "overrides: none", or "overrides:" and one line per override of a
/// reply ("  web 192.168.1.11:80 state=drain"), each after `indent`.
std::string DaemonOverridesText(const nlohmann::ordered_json& reply,
                                const std::string& indent);

/// "health checks:" and one line per checked server of a reply ("  web
/// 192.168.1.11:80 down since ..., last connect timeout (200 ms), 3
/// failures in a row; tcp 192.168.1.11:80"); "" when it has no `health`.
std::string DaemonHealthText(const nlohmann::ordered_json& reply,
                             const std::string& indent);

/// The daemon's `status` reply as text: config, generation, last sync,
/// counts, overrides and health checks (`ctl status`, and `status` indented by
/// 2).
std::string DaemonStatusText(const nlohmann::ordered_json& reply,
                             const std::string& indent);

}  // namespace lvsnft::cli
