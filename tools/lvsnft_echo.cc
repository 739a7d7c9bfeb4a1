// lvsnft_echo: the real-server stand-in and traffic client of the lvsnft
// test lab. One program, libc only (the parts live in tools/echo/*.h).
//
//   lvsnft_echo serve --name rs1 --tcp ADDR:PORT[,..] [--udp ADDR:PORT[,..]]
//                     [--hold] [--pidfile FILE]
//   lvsnft_echo client (--tcp|--udp) VIP:PORT [--count N] [--parallel P]
//                     [--source-ports LO-HI] [--bind ADDR] [--timeout-ms T]
//                     [--hold-ms H] [--stream SECONDS] [--interval-ms I]
//                     [--long N] [--duration SECONDS]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include "echo/client.h"
#include "echo/long.h"
#include "echo/report.h"
#include "echo/server.h"

namespace {

constexpr const char* kUsage =
    "usage: lvsnft_echo serve --name NAME --tcp ADDR:PORT[,...] "
    "[--udp ADDR:PORT[,...]] [--hold] [--pidfile FILE]\n"
    "       lvsnft_echo client (--tcp|--udp) ADDR:PORT [--count N] "
    "[--parallel P] [--source-ports LO-HI] [--bind ADDR] [--timeout-ms T] "
    "[--hold-ms H] [--stream SECONDS] [--interval-ms I] [--long N] "
    "[--duration SECONDS]\n";

/// Thrown for a bad command line; main prints it with the usage.
struct UsageError {
  std::string what;  ///< the message
};

/// A whole number in [lo, 1e9] for `flag`, else a UsageError.
int ToInt(const std::string& flag, const std::string& v, int lo) {
  char* end = nullptr;
  long n = strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > 1000000000) {
    throw UsageError{flag + ": bad number '" + v + "'"};
  }
  return static_cast<int>(n);
}

/// A positive number of seconds for `flag`, else a UsageError.
double ToSeconds(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  double d = strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || d <= 0) {
    throw UsageError{flag + ": bad duration '" + v + "'"};
  }
  return d;
}

/// A comma-separated ADDR:PORT list for `flag`, else a UsageError.
std::vector<echo::Endpoint> ToEndpoints(const std::string& flag,
                                        const std::string& v) {
  std::vector<echo::Endpoint> out;
  for (const auto& piece : echo::Split(v, ',')) {
    auto ep = echo::ParseEndpoint(piece);
    if (!ep) throw UsageError{flag + ": bad address:port '" + piece + "'"};
    out.push_back(*ep);
  }
  if (out.empty()) throw UsageError{flag + ": no address given"};
  return out;
}

/// Receives the value of a flag.
using Handler = std::function<void(const std::string&)>;

/// Walks argv; flags in `with_value` take the next word, the others none.
void ParseFlags(int argc, char** argv,
                const std::map<std::string, Handler>& with_value,
                const std::map<std::string, std::function<void()>>& plain) {
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (auto p = plain.find(flag); p != plain.end()) {
      p->second();
    } else if (auto h = with_value.find(flag); h != with_value.end()) {
      if (i + 1 >= argc) throw UsageError{flag + ": needs a value"};
      h->second(argv[++i]);
    } else {
      throw UsageError{"unknown option '" + flag + "'"};
    }
  }
}

/// `lvsnft_echo serve ...`: runs the server until killed.
int Serve(int argc, char** argv) {
  echo::ServerOptions o;
  char host[256] = "rs";
  gethostname(host, sizeof host - 1);
  o.name = host;
  ParseFlags(argc, argv,
             {{"--name", [&](auto v) { o.name = v; }},
              {"--tcp", [&](auto v) { o.tcp = ToEndpoints("--tcp", v); }},
              {"--udp", [&](auto v) { o.udp = ToEndpoints("--udp", v); }},
              {"--pidfile", [&](auto v) { o.pidfile = v; }}},
             {{"--hold", [&] { o.hold = true; }}});
  if (o.tcp.empty() && o.udp.empty())
    throw UsageError{"serve: give --tcp and/or --udp"};
  if (o.name.empty() || o.name.find_first_of(" =\n") != std::string::npos) {
    throw UsageError{"--name: must be non-empty without spaces or '='"};
  }
  return echo::Server(o).Run();
}

/// --tcp/--udp of the client: exactly one ADDR:PORT.
void SetTarget(echo::ClientOptions& o, bool udp, const std::string& v) {
  auto eps = ToEndpoints(udp ? "--udp" : "--tcp", v);
  if (eps.size() != 1) throw UsageError{"client: exactly one target address"};
  o.udp = udp;
  o.target = eps[0];
}

/// --source-ports LO-HI (or a single port).
void SetSourcePorts(echo::ClientOptions& o, const std::string& v) {
  auto parts = echo::Split(v, '-');
  if (parts.size() == 1) parts.push_back(parts[0]);
  if (parts.size() != 2) throw UsageError{"--source-ports: want LO-HI"};
  o.src_lo = ToInt("--source-ports", parts[0], 1);
  o.src_hi = ToInt("--source-ports", parts[1], o.src_lo);
  if (o.src_hi > 65535) throw UsageError{"--source-ports: port over 65535"};
}

/// The client command line, checked.
echo::ClientOptions ParseClient(int argc, char** argv) {
  echo::ClientOptions o;
  bool target = false;
  ParseFlags(
      argc, argv,
      {{"--tcp", [&](auto v) { SetTarget(o, false, v), target = true; }},
       {"--udp", [&](auto v) { SetTarget(o, true, v), target = true; }},
       {"--count", [&](auto v) { o.count = ToInt("--count", v, 1); }},
       {"--parallel", [&](auto v) { o.parallel = ToInt("--parallel", v, 1); }},
       {"--source-ports", [&](auto v) { SetSourcePorts(o, v); }},
       {"--bind",
        [&](auto v) {
          o.bind = echo::ParseAddress(v);
          if (!o.bind) throw UsageError{"--bind: bad address '" + v + "'"};
        }},
       {"--timeout-ms",
        [&](auto v) { o.timeout_ms = ToInt("--timeout-ms", v, 1); }},
       {"--hold-ms", [&](auto v) { o.hold_ms = ToInt("--hold-ms", v, 0); }},
       {"--interval-ms",
        [&](auto v) { o.interval_ms = ToInt("--interval-ms", v, 0); }},
       {"--stream", [&](auto v) { o.stream_s = ToSeconds("--stream", v); }},
       {"--long", [&](auto v) { o.long_n = ToInt("--long", v, 1); }},
       {"--duration",
        [&](auto v) { o.duration_s = ToSeconds("--duration", v); }}},
      {});
  if (!target) throw UsageError{"client: give --tcp or --udp"};
  if (o.bind && o.bind->family() != o.target.family()) {
    throw UsageError{"--bind: address family differs from the target"};
  }
  if (o.long_n && (o.udp || o.stream_s > 0)) {
    throw UsageError{"--long: TCP only, not with --stream"};
  }
  return o;
}

/// `lvsnft_echo client ...`: runs, prints JSON; 0 when nothing failed.
int Client(int argc, char** argv) {
  echo::ClientOptions o = ParseClient(argc, argv);
  echo::InstallStopHandler();
  if (o.long_n) return echo::LongRun(o).Run();
  double t0 = echo::NowMs();
  auto all = echo::RunShort(o);
  std::string json = echo::ShortReport(o, all, echo::NowMs() - t0);
  printf("%s\n", json.c_str());
  for (const auto& r : all) {
    if (!r.error.empty()) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  try {
    if (cmd == "serve") return Serve(argc, argv);
    if (cmd == "client") return Client(argc, argv);
    if (cmd == "--help" || cmd == "-h") return fputs(kUsage, stdout), 0;
    throw UsageError{cmd.empty() ? "missing command"
                                 : "unknown command '" + cmd + "'"};
  } catch (const UsageError& e) {
    fprintf(stderr, "lvsnft_echo: %s\n%s", e.what.c_str(), kUsage);
    return 2;
  }
}
