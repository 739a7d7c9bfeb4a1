#include "cli/control_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace lvsnft::cli {
namespace {

using nlohmann::ordered_json;

std::string Millis(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
  return buf;
}

// "2026-12-06T08:30:00Z", or "never" before the first sync.
std::string UtcTime(double unix_seconds) {
  if (unix_seconds <= 0) return "never";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string ControlSocketPath(const std::string& given, const KernelOptions& o,
                              bool state_dir_given) {
  if (!given.empty()) return given;
  return state_dir_given ? o.state_dir + "/control.sock"
                         : kDefaultControlSocket;
}

Result<std::string> ControlExchange(const std::string& path,
                                    const std::string& request,
                                    int timeout_ms) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(std::strerror(errno));
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::string err = std::strerror(errno);
    close(fd);
    return Status::Error("cannot connect to " + path + ": " + err);
  }
  std::string line = request + "\n", reply;
  ssize_t w = write(fd, line.data(), line.size());
  shutdown(fd, SHUT_WR);
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) reply.append(buf, n);
  close(fd);
  if (w < 0 || reply.empty()) return Status::Error("no reply from " + path);
  return reply;
}

std::string DaemonOverridesText(const ordered_json& j,
                                const std::string& indent) {
  std::string s =
      indent + "overrides:" + (j["overrides"].empty() ? " none\n" : "\n");
  for (const auto& o : j["overrides"]) {
    s += indent + "  " + o.value("service", "") + " " + o.value("server", "");
    if (o.contains("state")) s += " state=" + o["state"].get<std::string>();
    if (o.contains("weight")) s += " weight=" + o["weight"].dump();
    s += "\n";
  }
  return s;
}

std::string DaemonStatusText(const ordered_json& j, const std::string& indent) {
  const auto& ls = j["last_sync"];
  const std::string& in = indent;
  std::string s = in + "config: " + j.value("config", "") + "\n" + in +
                  "generation: " + j["generation"].dump() + "\n" + in +
                  "last sync: " + ls.value("result", "") + " at " +
                  UtcTime(ls.value("time", 0.0)) + " (" +
                  Millis(ls.value("duration_seconds", 0.0)) +
                  "), ruleset generation " + ls["ruleset_genid"].dump() + "\n" +
                  in + "syncs: " + j["syncs"]["ok"].dump() + " ok, " +
                  j["syncs"]["error"].dump() + " failed\n" + in +
                  "reloads: " + j["reloads"]["ok"].dump() + " ok, " +
                  j["reloads"]["error"].dump() + " failed\n" + in +
                  "drift repairs: " + j["drift_repairs"].dump() + "\n";
  return s + DaemonOverridesText(j, indent) + DaemonHealthText(j, indent);
}

std::string DaemonHealthText(const ordered_json& j, const std::string& in) {
  if (!j.contains("health")) return "";
  std::string s =
      in + "health checks:" + (j["health"].empty() ? " none\n" : "\n");
  for (const auto& h : j["health"]) {
    s += in + "  " + h.value("service", "") + " " + h.value("server", "") +
         " " + h.value("state", "") + " since " +
         UtcTime(h.value("since", 0.0)) + ", last " +
         h.value("last_result", "") + " (" + h["last_latency_ms"].dump() +
         " ms), " + h["failures_in_row"].dump() + " failures in a row";
    if (h.contains("weight")) s += ", weight " + h["weight"].dump();
    s += "; " + h.value("check", "") + "\n";
  }
  return s;
}

}  // namespace lvsnft::cli
