#include "director/director_state.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/atomic_file.h"

namespace lvsnft::netlink {

using nlohmann::json;

std::string StateToJson(const DirectorState& s) {
  json j;
  j["version"] = 1;
  j["config"] = s.config_text;
  j["genid"] = s.genid;
  j["addresses"] = AddressesToJson(s.addresses);
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
    s.addresses = AddressesFromJson(j.at("addresses"));
    s.tunnels = j.at("tunnels").get<std::vector<std::string>>();
    s.sysctl_before =
        j.at("sysctl_before").get<std::map<std::string, std::string>>();
  } catch (const json::exception& e) {
    return Status::Error(std::string("corrupt state file: ") + e.what());
  } catch (const std::invalid_argument&) {
    return Status::Error("bad address in state file");
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

// The state file (kind and format version of the sealed file).
SealedFile StateFile(const std::string& p) {
  return SealedFile(p, "director-state", 2);
}
// The applied config is kept as its own file: large, and read only by
// status and diff.
SealedFile ConfigFile(const std::string& p, const char* ext = ".config") {
  return SealedFile(SiblingPath(p, ext), "director-config", 1);
}
// The config of an apply under way (see StageConfig): a config file until
// the apply's Save moves it into place.
SealedFile StagedConfigFile(const std::string& p) {
  return ConfigFile(p, ".config.staged");
}

}  // namespace

void WarnToStderr(const std::string& line) {
  std::fprintf(stderr, "lvsnft: warning: %s\n", line.c_str());
}

void FileStateStore::Reject(const std::string& file,
                            const std::string& reason) {
  if (!warned_.insert(file).second) return;
  warn_(file + ": " + reason +
        "; ignored (what is in the kernel counts; the file is rewritten by "
        "the next apply)");
}

Result<DirectorState> FileStateStore::Load() {
  DirectorState s;
  SealedRead file = StateFile(path_).Read();
  if (file.payload) {
    auto parsed = StateFromJson(*file.payload);
    if (parsed.ok()) {
      s = std::move(*parsed);
      s.recorded = true;
    } else {
      Reject(path_, parsed.status().message());
    }
  } else if (!file.rejected.empty()) {
    Reject(path_, file.rejected);
  }
  SealedFile config = ConfigFile(path_);
  SealedRead cfg = config.Read();
  if (cfg.payload) {
    s.config_text = std::move(*cfg.payload);
  } else if (!cfg.rejected.empty()) {
    Reject(config.path(), cfg.rejected);
  }
  return s;
}

Status FileStateStore::Save(const DirectorState& s) {
  SealedFile config = ConfigFile(path_);
  Status st = s.config_staged ? config.Take(StagedConfigFile(path_).path())
              : s.config_text.empty() ? config.Remove()
                                      : config.Write(s.config_text);
  if (!st.ok()) return st;
  if (s.empty()) return StateFile(path_).Remove();
  // Everything but the config text (in its own file above): copying the
  // text only to drop it cost a copy of the whole config per reload.
  DirectorState small;
  small.genid = s.genid;
  small.addresses = s.addresses;
  small.tunnels = s.tunnels;
  small.sysctl_before = s.sysctl_before;
  return StateFile(path_).Write(StateToJson(small));
}

Status FileStateStore::StageConfig(const std::string* text) {
  SealedFile staged = StagedConfigFile(path_);
  return text ? staged.Write(*text) : staged.Remove();
}

std::optional<Snapshot> FileStateStore::LoadSnapshot() {
  std::string rejected;
  auto s = netlink::LoadSnapshot(SnapshotPath(path_), &rejected);
  if (!rejected.empty()) Reject(SnapshotPath(path_), rejected);
  return s;
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
