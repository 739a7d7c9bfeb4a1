// Building overrides in tests from text, as `lvsnft ctl set` names them.
#pragma once

#include <gtest/gtest.h>

#include "daemon/overrides.h"

namespace lvsnft::daemon {

/// An override of `server` ("ADDR" or "ADDR:PORT") in service `svc`.
inline Override MakeOverride(const std::string& svc, const std::string& server,
                             std::optional<uint32_t> w,
                             std::optional<RsState> st) {
  auto ref = ParseServerRef(server);
  EXPECT_TRUE(ref.ok()) << ref.status().message();
  return {svc, ref->first, ref->second, w, st};
}

}  // namespace lvsnft::daemon
