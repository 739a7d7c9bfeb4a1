// The kernel's lvsnft tables as they were right after lvsnft's last
// commit, with the ruleset generation id that commit produced. When the
// generation id is unchanged at the next apply, nobody touched the ruleset
// in between, and the snapshot stands in for the (expensive) full dump;
// the transaction still carries the generation id, so a concurrent writer
// is caught by the kernel (ERESTART) and answered with a full dump. The id
// restarts at boot and in every network namespace, so the snapshot also
// names the ruleset instance (boot id, namespace cookie) it was taken in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernel/live.h"

namespace lvsnft::netlink {

/// Live tables plus the generation id they belong to.
struct Snapshot {
  uint32_t genid = 0;
  std::string instance;  ///< NftKernel::Instance() the genid belongs to.
  std::vector<LiveTable> tables;  ///< Rule handles may be 0 (unknown).
};

/// Binary encoding (compact, versioned).
std::string EncodeSnapshot(const Snapshot& s);
/// Decodes; an error for a truncated or foreign file.
Result<Snapshot> DecodeSnapshot(const std::string& bytes);

/// Reads a snapshot file; nullopt when missing, unreadable or damaged (a
/// missing snapshot only costs a dump). The file is sealed (see
/// compiler/atomic_file.h); when it exists but cannot be trusted, the
/// reason is stored in `*rejected`.
std::optional<Snapshot> LoadSnapshot(const std::string& path,
                                     std::string* rejected);
/// Writes sealed and atomically; removes the file when `s` is null.
Status SaveSnapshot(const std::string& path, const Snapshot* s);

}  // namespace lvsnft::netlink
