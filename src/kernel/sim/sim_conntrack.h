// An in-memory conntrack table for unit tests: entries are given, List
// filters them by mark and mask as the kernel's dump filter does.
#pragma once

#include <vector>

#include "kernel/conntrack.h"

namespace lvsnft::netlink {

/// Fake ConnTrack over a list of entries.
class FakeConnTrack : public ConnTrack {
 public:
  /// The table; List reads it on every call.
  std::vector<CtEntry> entries;
  /// Calls of List so far (tests of caching count them).
  int dumps = 0;

  Result<std::vector<CtEntry>> List(uint32_t mark, uint32_t mask) override;
  /// Erases the matching entries from `entries`.
  Result<size_t> Delete(const CtFilter& f) override;
};

}  // namespace lvsnft::netlink
