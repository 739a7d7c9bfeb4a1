#include "rs/state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace lvsnft::rs {
namespace {

using nlohmann::json;

constexpr int kStateVersion = 1;

std::string Errno() { return std::strerror(errno); }

// mkdir -p for the parent directory of `path`.
Status MakeParent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return Status();
  std::string dir = path.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Error("cannot create directory " + part + ": " + Errno());
    }
  }
  return Status();
}

Status WriteAll(int fd, const std::string& text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Error(Errno());
    off += static_cast<size_t>(n);
  }
  return Status();
}

IpAddr ParseAddr(const json& j) {
  auto a = IpAddr::Parse(j.get<std::string>());
  if (!a) throw std::invalid_argument("invalid address " + j.dump());
  return *a;
}

}  // namespace

bool State::empty() const {
  return sysctls.empty() && addresses.empty() && links_up.empty() &&
         links_created.empty();
}

const SavedSysctl* State::FindSysctl(const std::string& path) const {
  for (const auto& s : sysctls) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

std::string StateToJson(const State& s) {
  json j;
  j["version"] = kStateVersion;
  j["sysctls"] = json::array();
  for (const auto& x : s.sysctls) {
    json e{{"path", x.path}, {"old", x.old_value}};
    if (!x.existed) e["existed"] = false;
    j["sysctls"].push_back(e);
  }
  j["addresses"] = json::array();
  for (const auto& a : s.addresses) {
    j["addresses"].push_back({{"device", a.device},
                              {"address", a.addr.ToString()},
                              {"prefix", a.prefix}});
  }
  j["links_up"] = s.links_up;
  j["links_created"] = s.links_created;
  return j.dump(2) + "\n";
}

Result<State> StateFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    if (j.at("version").get<int>() != kStateVersion) {
      return Status::Error("unsupported state version " +
                           j.at("version").dump());
    }
    State s;
    for (const auto& e : j.at("sysctls")) {
      s.sysctls.push_back({e.at("path").get<std::string>(),
                           e.at("old").get<std::string>(),
                           e.value("existed", true)});
    }
    for (const auto& e : j.at("addresses")) {
      s.addresses.push_back({e.at("device").get<std::string>(),
                             ParseAddr(e.at("address")),
                             e.at("prefix").get<int>()});
    }
    s.links_up = j.value("links_up", std::vector<std::string>{});
    s.links_created = j.value("links_created", std::vector<std::string>{});
    return s;
  } catch (const std::exception& e) {
    return Status::Error(std::string("invalid state: ") + e.what());
  }
}

Result<std::optional<State>> FileStateStore::Load() {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<State>();
    return Status::Error("cannot read state file " + path_ + ": " + Errno());
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) text.append(buf, static_cast<size_t>(n));
  }
  int e = errno;
  close(fd);
  if (n < 0) {
    return Status::Error("cannot read state file " + path_ + ": " +
                         std::strerror(e));
  }
  auto s = StateFromJson(text);
  if (!s.ok()) {
    return Status::Error("state file " + path_ + ": " + s.status().message());
  }
  return std::optional<State>(*s);
}

Status FileStateStore::Save(const State& s) {
  const std::string what = "cannot write state file " + path_ + ": ";
  if (s.empty()) {
    if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return Status::Error("cannot remove state file " + path_ + ": " +
                           Errno());
    }
    return Status();
  }
  Status st = MakeParent(path_);
  if (!st.ok()) return Status::Error(what + st.message());
  std::string tmp = path_ + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(what + Errno());
  st = WriteAll(fd, StateToJson(s));
  if (st.ok() && fsync(fd) != 0) st = Status::Error(Errno());
  close(fd);
  if (st.ok() && rename(tmp.c_str(), path_.c_str()) != 0) {
    st = Status::Error(Errno());
  }
  if (!st.ok()) {
    unlink(tmp.c_str());
    return Status::Error(what + st.message());
  }
  return Status();
}

Status MemoryStateStore::Save(const State& s) {
  ++saves_;
  state_ = s.empty() ? std::nullopt : std::optional<State>(s);
  return Status();
}

std::string DefaultStatePath(const std::string& netns) {
  if (netns.empty()) return "/var/lib/lvsnft/rs-setup.json";
  return "/var/lib/lvsnft/rs-setup@" + netns + ".json";
}

}  // namespace lvsnft::rs
