// An element encoder for the simulated kernel (FakeNft): raw bytes are the
// concatenated value bytes, as good as the kernel's for comparing.
#pragma once

#include <vector>

#include "director/reconcile.h"

namespace lvsnft::testing {

/// Raw encoding good enough for the fake kernel: concatenated value bytes.
inline Result<std::vector<netlink::RawElement>> SimpleEncode(
    const plan::Set& s) {
  std::vector<netlink::RawElement> out;
  for (size_t i = 0; i < s.elements.size(); ++i) {
    const auto& e = s.elements[i];
    netlink::RawElement r;
    for (const auto& v : e.key) r.key.Append(v.bytes.data(), v.bytes.size());
    for (const auto& v : e.key_end) {
      r.key_end.Append(v.bytes.data(), v.bytes.size());
    }
    for (const auto& v : e.data) r.data.Append(v.bytes.data(), v.bytes.size());
    if (e.verdict) r.chain = e.verdict->chain;
    r.src = &e;
    r.src_index = i;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lvsnft::testing
