#include "health/rise_fall.h"

namespace lvsnft::health {

RiseFall::RiseFall(int rise, int fall, State initial, Clock::time_point now)
    : rise_(rise), fall_(fall) {
  s_.state = initial;
  s_.since = now;
}

std::optional<Transition> RiseFall::Feed(const ProbeResult& r,
                                         Clock::time_point now) {
  s_.checked = true;
  s_.checks++;
  s_.last_ok = r.ok;
  s_.last_reason = r.reason;
  s_.last_latency = r.latency;
  return r.ok ? Success(r, now) : Failure(r, now);
}

std::optional<Transition> RiseFall::Success(const ProbeResult& r,
                                            Clock::time_point now) {
  s_.failures_in_row = 0;
  s_.successes_in_row++;
  bool weight_changed = r.weight && r.weight != s_.weight;
  if (r.weight) s_.weight = r.weight;
  Transition t;
  t.weight = s_.weight;
  if (s_.state == State::kDown) {
    if (s_.successes_in_row < rise_) return std::nullopt;
    s_.state = State::kUp;
    s_.since = now;
    s_.transitions++;
    t.kind = Transition::Kind::kUp;
    t.count = s_.successes_in_row;
    return t;
  }
  if (!weight_changed) return std::nullopt;
  t.kind = Transition::Kind::kWeight;
  t.count = 1;
  return t;
}

std::optional<Transition> RiseFall::Failure(const ProbeResult& r,
                                            Clock::time_point now) {
  s_.failures++;
  s_.successes_in_row = 0;
  s_.failures_in_row++;
  if (s_.state == State::kDown || s_.failures_in_row < fall_)
    return std::nullopt;
  s_.state = State::kDown;
  s_.since = now;
  s_.transitions++;
  Transition t;
  t.kind = Transition::Kind::kDown;
  t.count = s_.failures_in_row;
  t.reason = r.reason;
  t.weight = s_.weight;
  return t;
}

bool RiseFall::Between() const {
  return s_.state == State::kUp ? s_.failures_in_row > 0
                                : s_.successes_in_row > 0;
}

}  // namespace lvsnft::health
