#include "kernel/conntrack.h"

#include <netinet/in.h>

#include "compiler/lower_util.h"

namespace lvsnft::netlink {

static_assert(kSlotMark == lower::kSlotRegionStart &&
                  lower::kSlotUnit * lower::kSlotUnits == ~kSlotMask + 1u,
              "kSlotMark/kSlotMask must select exactly the slot region");

bool CtEntry::active() const {
  return (l4proto == IPPROTO_TCP || l4proto == IPPROTO_SCTP) &&
         state == "ESTABLISHED";
}

}  // namespace lvsnft::netlink
