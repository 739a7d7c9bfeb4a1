#include <algorithm>

#include "health/checker_internal.h"

namespace lvsnft::health {
namespace {

using Steady = std::chrono::steady_clock;

uint64_t Seed(uint64_t seed) {
  return seed != 0 ? seed
                   : (uint64_t{std::random_device{}()} << 32) ^
                         std::random_device{}();
}

}  // namespace

Shared::Shared(event_base* base, Engine::OnTransition cb, EngineOptions o)
    : reaper(base),
      on_transition(std::move(cb)),
      options(o),
      rng(Seed(o.seed)) {
  env.base = base;
  env.reaper = &reaper;
  env.tls = &tls;
}

Checker::Checker(Shared& shared, const Key& key)
    : shared_(shared),
      key_(key),
      matchers_(CompileMatchers(key)),
      state_(key.rise, key.fall, key.initial_state,
             std::chrono::system_clock::now()) {
  timer_ = evtimer_new(shared_.env.base, &Checker::OnTimer, this);
  Steady::duration first{0};
  if (shared_.options.spread_start) {
    std::uniform_int_distribution<int64_t> d(0,
                                             key.interval.count() * 1000 - 1);
    first = std::chrono::microseconds(d(shared_.rng));
  }
  due_ = Steady::now() + first;
  Arm(first);
}

Checker::~Checker() { Stop(); }

void Checker::Stop() {
  probe_.reset();
  if (timer_) event_free(timer_);
  timer_ = nullptr;
}

void Checker::Arm(Steady::duration delay) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(delay);
  timeval tv{static_cast<time_t>(us.count() / 1000000),
             static_cast<suseconds_t>(us.count() % 1000000)};
  evtimer_add(timer_, &tv);
}

void Checker::OnTimer(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Checker*>(arg);
  if (!self->probe_) return self->StartAttempt();
  // The loop's timers run on its own clock, cached when an iteration began
  // (and coarse): after many attempts started in one iteration, a timer
  // fires milliseconds before the probe has had its whole timeout. Wait
  // out the rest.
  Steady::duration left = self->started_ + self->key_.timeout - Steady::now();
  if (left > Steady::duration::zero()) return self->Arm(left);
  ProbeResult r = self->probe_->OnTimeout();
  self->probe_.reset();
  self->Finished(std::move(r));
}

void Checker::StartAttempt() {
  started_ = Steady::now();
  Arm(key_.timeout);
  probe_ = StartProbe(shared_.env, key_, matchers_, [this](ProbeResult r) {
    evtimer_del(timer_);
    probe_.reset();
    Finished(std::move(r));
  });
}

void Checker::Finished(ProbeResult r) {
  r.latency = std::chrono::duration_cast<Millis>(Steady::now() - started_);
  std::optional<Transition> t =
      state_.Feed(r, std::chrono::system_clock::now());
  ScheduleNext();
  // The callbacks may Remove (Stop) this checker; it is destroyed later.
  shared_.in_callback++;
  if (shared_.options.on_result) shared_.options.on_result(key_, r);
  if (t && shared_.on_transition) shared_.on_transition(key_, std::move(*t));
  shared_.in_callback--;
}

void Checker::ScheduleNext() {
  Millis period = key_.interval;
  if (state_.Between() && key_.fast_interval.count() > 0)
    period = key_.fast_interval;
  // Due times advance by whole periods, so a late loop does not stretch
  // every interval; after an overrun (timeout > period) start at once.
  Steady::time_point now = Steady::now();
  due_ = std::max(due_ + period, now);
  Steady::duration delay = due_ - now;
  double j = shared_.options.jitter;
  if (j > 0) {
    auto span = static_cast<int64_t>(j * period.count() * 1000);
    std::uniform_int_distribution<int64_t> d(-span, span);
    delay += std::chrono::microseconds(d(shared_.rng));
  }
  Arm(std::max<Steady::duration>(delay, Steady::duration{0}));
}

}  // namespace lvsnft::health
