// What rs-setup changed on the host, so that --undo can restore it exactly:
// sysctls with the value they had before rs-setup first changed them, the
// addresses it added, the links it brought up or created. Kept as a small
// JSON file (default /var/lib/lvsnft/rs-setup.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/addr.h"
#include "base/status.h"
#include "kernel/saved_state.h"

namespace lvsnft::rs {

/// A sysctl rs-setup changed, with its value before the first change.
struct SavedSysctl {
  std::string path;
  std::string old_value;
  bool existed = true;  ///< False: the file did not exist (nothing to restore).
  bool operator==(const SavedSysctl&) const = default;
};

/// An address rs-setup added.
using SavedAddress = netlink::DeviceAddress;

/// Everything rs-setup owns on the host.
struct State {
  std::vector<SavedSysctl> sysctls;
  std::vector<SavedAddress> addresses;
  std::vector<std::string> links_up;       ///< Links it set up (were down).
  std::vector<std::string> links_created;  ///< Links it created.
  /// True when nothing is owned.
  bool empty() const;
  /// The saved entry for `path`, or nullptr.
  const SavedSysctl* FindSysctl(const std::string& path) const;
  bool operator==(const State&) const = default;
};

/// Serialises a state as JSON text (version 1).
std::string StateToJson(const State& s);
/// Parses StateToJson output; errors name the offending member.
Result<State> StateFromJson(const std::string& text);

/// Where the state lives.
class StateStore {
 public:
  virtual ~StateStore() = default;
  /// The saved state; nullopt when none was saved.
  virtual Result<std::optional<State>> Load() = 0;
  /// Saves `s`; an empty state removes the saved one.
  virtual Status Save(const State& s) = 0;
  /// Human-readable location, for messages.
  virtual std::string Where() const = 0;
};

/// A JSON file, sealed (header with kind, version, length, CRC32C) and
/// written with WriteFileAtomic; the parent directory is created when
/// missing. A damaged or foreign file is an error, never trusted.
class FileStateStore : public StateStore {
 public:
  /// A store in the file `path`.
  explicit FileStateStore(std::string path) : path_(std::move(path)) {}
  /// See StateStore.
  Result<std::optional<State>> Load() override;
  /// See StateStore.
  Status Save(const State& s) override;
  /// The file path.
  std::string Where() const override { return path_; }

 private:
  std::string path_;
};

/// Memory only (dry runs and tests).
class MemoryStateStore : public StateStore {
 public:
  /// A store holding `s` to begin with.
  explicit MemoryStateStore(std::optional<State> s = std::nullopt)
      : state_(std::move(s)) {}
  /// See StateStore.
  Result<std::optional<State>> Load() override { return state_.Get(); }
  /// See StateStore.
  Status Save(const State& s) override {
    state_.Put(s.empty() ? std::nullopt : std::optional<State>(s));
    return Status();
  }
  /// "(memory)".
  std::string Where() const override { return "(memory)"; }
  /// Number of Save calls so far.
  int saves() const { return state_.saves(); }

 private:
  netlink::MemoryStore<State> state_;
};

/// Default state file: /var/lib/lvsnft/rs-setup.json, or
/// /var/lib/lvsnft/rs-setup@NETNS.json for --netns NETNS.
std::string DefaultStatePath(const std::string& netns);

}  // namespace lvsnft::rs
