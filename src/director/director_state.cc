#include "director/director_state.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lvsnft::netlink {

using nlohmann::json;

std::string StateToJson(const DirectorState& s) {
  json j;
  j["version"] = 1;
  j["config"] = s.config_text;
  j["genid"] = s.genid;
  j["addresses"] = json::array();
  for (const auto& a : s.addresses) {
    j["addresses"].push_back({{"device", a.device},
                              {"address", a.addr.ToString()},
                              {"prefix", a.prefix}});
  }
  j["tunnels"] = s.tunnels;
  j["sysctl_before"] = s.sysctl_before;
  return j.dump(2) + "\n";
}

Result<DirectorState> StateFromJson(const std::string& text) {
  DirectorState s;
  try {
    json j = json::parse(text);
    if (j.value("version", 0) != 1) {
      return Status::Error("unsupported state file version");
    }
    s.config_text = j.value("config", "");
    s.genid = j.value("genid", 0u);
    for (const auto& a : j.at("addresses")) {
      auto addr = IpAddr::Parse(a.at("address").get<std::string>());
      if (!addr) return Status::Error("bad address in state file");
      s.addresses.push_back({a.at("device"), *addr, a.at("prefix")});
    }
    s.tunnels = j.at("tunnels").get<std::vector<std::string>>();
    s.sysctl_before =
        j.at("sysctl_before").get<std::map<std::string, std::string>>();
  } catch (const json::exception& e) {
    return Status::Error(std::string("corrupt state file: ") + e.what());
  }
  return s;
}

namespace {

std::string SiblingPath(const std::string& state_path, const char* ext) {
  auto dot = state_path.rfind(".json");
  return (dot == std::string::npos ? state_path : state_path.substr(0, dot)) +
         ext;
}

std::string SnapshotPath(const std::string& p) {
  return SiblingPath(p, ".snapshot");
}
// The applied config is kept as its own file: large, and read only by
// status and diff.
std::string ConfigPath(const std::string& p) {
  return SiblingPath(p, ".config");
}

}  // namespace

Result<DirectorState> FileStateStore::Load() {
  std::ifstream in(path_);
  if (!in) {
    if (errno == ENOENT) return DirectorState{};
    return Status::Error("cannot read " + path_ + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = StateFromJson(ss.str());
  if (!s.ok()) return Status::Error(path_ + ": " + s.status().message());
  std::ifstream cfg(ConfigPath(path_), std::ios::binary);
  if (cfg) {
    std::stringstream cs;
    cs << cfg.rdbuf();
    s->config_text = cs.str();
  }
  return s;
}

namespace {

Status MakeDirs(const std::string& dir) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      cur = dir.substr(0, i);
      if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
        return Status::Error("cannot create " + cur + ": " +
                             std::strerror(errno));
      }
    }
  }
  return Status();
}

}  // namespace

Status FileStateStore::Save(const DirectorState& s) {
  if (s.config_text.empty()) unlink(ConfigPath(path_).c_str());
  if (s.empty()) {
    if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return Status::Error("cannot remove " + path_ + ": " +
                           std::strerror(errno));
    }
    return Status();
  }
  auto slash = path_.rfind('/');
  if (slash != std::string::npos) {
    Status st = MakeDirs(path_.substr(0, slash));
    if (!st.ok()) return st;
  }
  if (!s.config_text.empty()) {
    std::string ctmp = ConfigPath(path_) + ".tmp";
    std::ofstream out(ctmp, std::ios::binary | std::ios::trunc);
    out << s.config_text;
    out.close();
    if (!out || rename(ctmp.c_str(), ConfigPath(path_).c_str()) != 0) {
      return Status::Error("cannot write " + ConfigPath(path_));
    }
  }
  DirectorState small = s;
  small.config_text.clear();
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << StateToJson(small);
    out.flush();
    if (!out)
      return Status::Error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (rename(tmp.c_str(), path_.c_str()) != 0) {
    return Status::Error("cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status();
}

std::optional<Snapshot> FileStateStore::LoadSnapshot() {
  return netlink::LoadSnapshot(SnapshotPath(path_));
}

Status FileStateStore::SaveSnapshot(const Snapshot* s) {
  return netlink::SaveSnapshot(SnapshotPath(path_), s);
}

std::string CurrentNetnsId(const std::string& netns_name) {
  if (!netns_name.empty()) return netns_name;
  struct stat self {
  }, init{};
  if (stat("/proc/self/ns/net", &self) != 0) return "host";
  if (stat("/proc/1/ns/net", &init) == 0 && init.st_ino == self.st_ino) {
    return "host";
  }
  // `ip netns exec NAME` runs us inside a namespace bound at /run/netns.
  if (DIR* d = opendir("/run/netns")) {
    while (dirent* e = readdir(d)) {
      std::string p = std::string("/run/netns/") + e->d_name;
      struct stat st {};
      if (e->d_name[0] != '.' && stat(p.c_str(), &st) == 0 &&
          st.st_ino == self.st_ino) {
        std::string name = e->d_name;
        closedir(d);
        return name;
      }
    }
    closedir(d);
  }
  return "netns-" + std::to_string(self.st_ino);
}

std::string StatePath(const std::string& dir, const std::string& netns_name) {
  return dir + "/director-" + CurrentNetnsId(netns_name) + ".json";
}

}  // namespace lvsnft::netlink
