#include "compiler/config.h"

namespace lvsnft {

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kNat:
      return "nat";
    case Mode::kDr:
      return "dr";
    case Mode::kTun:
      return "tun";
    case Mode::kFullNat:
      return "fullnat";
  }
  return "?";
}

const char* ProtoName(Proto p) {
  switch (p) {
    case Proto::kTcp:
      return "tcp";
    case Proto::kUdp:
      return "udp";
    case Proto::kSctp:
      return "sctp";
  }
  return "?";
}

const char* SchedulerName(Scheduler s) {
  switch (s) {
    case Scheduler::kRr:
      return "rr";
    case Scheduler::kWrr:
      return "wrr";
    case Scheduler::kRandom:
      return "random";
    case Scheduler::kSh:
      return "sh";
    case Scheduler::kDh:
      return "dh";
    case Scheduler::kMh:
      return "mh";
  }
  return "?";
}

const char* RsStateName(RsState s) {
  switch (s) {
    case RsState::kUp:
      return "up";
    case RsState::kDrain:
      return "drain";
    case RsState::kDown:
      return "down";
  }
  return "?";
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
