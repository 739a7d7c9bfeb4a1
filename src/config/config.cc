#include "config/config.h"

#include "config/config_names.h"

namespace lvsnft {

const char* ModeName(Mode m) {
  return names::kModes[static_cast<size_t>(m)].data();
}

const char* ProtoName(Proto p) {
  return names::kProtocols[static_cast<size_t>(p)].data();
}

const char* SchedulerName(Scheduler s) {
  return names::kSchedulers[static_cast<size_t>(s)].data();
}

const char* RsStateName(RsState s) {
  return names::kRsStates[static_cast<size_t>(s)].data();
}

uint8_t ProtoNumber(Proto p) {
  switch (p) {
    case Proto::kTcp:
      return 6;
    case Proto::kUdp:
      return 17;
    case Proto::kSctp:
      return 132;
  }
  return 0;
}

bool IsHashScheduler(Scheduler s) {
  return s == Scheduler::kSh || s == Scheduler::kDh || s == Scheduler::kMh;
}

bool IsStatelessMode(Mode m) { return m == Mode::kDr || m == Mode::kTun; }

}  // namespace lvsnft
