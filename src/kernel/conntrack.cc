#include "kernel/conntrack.h"

#include <netinet/in.h>

#include <algorithm>

#include "compiler/lower_util.h"

namespace lvsnft::netlink {

static_assert(kSlotMark == lower::kSlotRegionStart &&
                  lower::kSlotUnit * lower::kSlotUnits == ~kSlotMask + 1u,
              "kSlotMark/kSlotMask must select exactly the slot region");

bool CtEntry::active() const {
  return (l4proto == IPPROTO_TCP || l4proto == IPPROTO_SCTP) &&
         state == "ESTABLISHED";
}

bool CtFilter::Matches(const CtEntry& e) const {
  bool proto =
      std::find(l4protos.begin(), l4protos.end(), e.l4proto) != l4protos.end();
  return proto && (e.mark & mask) == mark && e.server == server &&
         e.server_port == server_port;
}

}  // namespace lvsnft::netlink
