// What lvsnft remembers about a director between runs: the config it last
// applied, the host objects it created (so destroy removes exactly those),
// and the sysctl values it replaced (so destroy restores them).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/addr.h"
#include "base/status.h"
#include "director/snapshot.h"
#include "kernel/saved_state.h"

namespace lvsnft::netlink {

/// An address lvsnft added to a device.
using AddedAddress = DeviceAddress;

/// The persistent state of one director (one network namespace).
struct DirectorState {
  std::string config_text;  ///< Config of the last successful apply.
  uint32_t genid = 0;       ///< Ruleset generation right after that commit.
  std::vector<AddedAddress> addresses;  ///< VIPs lvsnft added.
  std::vector<std::string> tunnels;     ///< ipip devices lvsnft created.
  /// Value of each sysctl before lvsnft first changed it.
  std::map<std::string, std::string> sysctl_before;
  /// True when this came from a saved, trustworthy record (not saved
  /// itself): without one, what the host looked like before lvsnft is
  /// unknown.
  bool recorded = false;
  /// Save takes the config set aside by StateStore::StageConfig as the
  /// applied config (`config_text` is then not used). Not saved itself.
  bool config_staged = false;
  /// True when nothing is remembered.
  bool empty() const {
    return !config_staged && config_text.empty() && addresses.empty() &&
           tunnels.empty() && sysctl_before.empty();
  }
};

/// Loads and saves DirectorState.
class StateStore {
 public:
  virtual ~StateStore() = default;
  /// The saved state; an empty state when none was saved.
  virtual Result<DirectorState> Load() = 0;
  /// Saves atomically (write + rename). An empty state removes the file.
  virtual Status Save(const DirectorState& s) = 0;
  /// Sets `text` aside as the config of an apply under way, so that it
  /// need not stay in memory through the transaction; a Save with
  /// DirectorState::config_staged then makes it the applied config. Null
  /// drops what was set aside (the apply failed).
  virtual Status StageConfig(const std::string* text) = 0;
  /// The kernel snapshot of the last commit, if any.
  virtual std::optional<Snapshot> LoadSnapshot() = 0;
  /// Replaces (or, with null, removes) the snapshot.
  virtual Status SaveSnapshot(const Snapshot* s) = 0;
};

/// Receives one line per remembered file that exists but cannot be trusted.
using StateWarning = std::function<void(const std::string& line)>;

/// Prints `line` to stderr as "lvsnft: warning: LINE".
void WarnToStderr(const std::string& line);

/// State in files next to each other: PATH (JSON), the applied config
/// (.config) and the snapshot (.snapshot), each sealed (header with kind,
/// version, length and CRC32C; see base/atomic_file.h) and written with
/// WriteFileAtomic. A damaged, truncated or foreign file is reported once
/// through the warning callback ("FILE: REASON; ignored ...") and treated
/// as absent: what is in the kernel counts, never a damaged file.
class FileStateStore : public StateStore {
 public:
  /// `path` of the JSON file; its directory is created when saving.
  explicit FileStateStore(std::string path, StateWarning warn = WarnToStderr)
      : path_(std::move(path)), warn_(std::move(warn)) {}
  Result<DirectorState> Load() override;
  Status Save(const DirectorState& s) override;
  /// Writes the text beside the config (.config.staged), sealed as one.
  Status StageConfig(const std::string* text) override;
  std::optional<Snapshot> LoadSnapshot() override;
  Status SaveSnapshot(const Snapshot* s) override;
  /// The file path.
  const std::string& path() const { return path_; }

 private:
  void Reject(const std::string& file, const std::string& reason);
  std::string path_;
  StateWarning warn_;
  std::set<std::string> warned_;  ///< Files already reported.
};

/// State in memory (offline diff, tests).
class MemStateStore : public StateStore {
 public:
  /// The saved state (recorded when it was not empty); empty before.
  Result<DirectorState> Load() override {
    return state_.Get().value_or(DirectorState{});
  }
  /// See StateStore.
  Status Save(const DirectorState& s) override {
    DirectorState kept = s;
    kept.recorded = !s.empty();
    if (s.config_staged) {
      kept.config_text = std::move(staged_);
      staged_.clear();
    }
    kept.config_staged = false;
    state_.Put(std::move(kept));
    return Status();
  }
  /// See StateStore.
  Status StageConfig(const std::string* text) override {
    staged_ = text ? *text : "";
    return Status();
  }
  /// See StateStore.
  std::optional<Snapshot> LoadSnapshot() override { return snapshot_.Get(); }
  /// See StateStore.
  Status SaveSnapshot(const Snapshot* s) override {
    snapshot_.Put(s ? std::optional<Snapshot>(*s) : std::nullopt);
    return Status();
  }

 private:
  MemoryStore<DirectorState> state_;
  MemoryStore<Snapshot> snapshot_;
  std::string staged_;  ///< StageConfig's text.
};

/// Serialises the state as JSON text / parses it back (the payload of the
/// sealed state file).
std::string StateToJson(const DirectorState& s);
Result<DirectorState> StateFromJson(const std::string& text);

/// The state file of the current network namespace below `dir`:
/// DIR/director-<id>.json where id is the netns name (`ip netns`), "host"
/// for the initial namespace, or "netns-<inode>".
std::string StatePath(const std::string& dir, const std::string& netns_name);

/// Name of the current network namespace as above.
std::string CurrentNetnsId(const std::string& netns_name);

}  // namespace lvsnft::netlink
