#include "daemon/health_input.h"

#include <algorithm>

#include "daemon/log.h"
#include "daemon/overrides.h"

namespace lvsnft::daemon {
namespace {

health::CheckType ToType(CheckType t) {
  switch (t) {
    case CheckType::kTcp:
      return health::CheckType::kTcp;
    case CheckType::kHttp:
      return health::CheckType::kHttp;
    case CheckType::kHttps:
      return health::CheckType::kHttps;
    case CheckType::kUdp:
      return health::CheckType::kUdp;
    case CheckType::kExec:
      return health::CheckType::kExec;
  }
  return health::CheckType::kTcp;
}

std::string TransitionText(const health::Transition& t) {
  using Kind = health::Transition::Kind;
  std::string n = std::to_string(t.count);
  switch (t.kind) {
    case Kind::kDown:
      return "DOWN after " + n + (t.count == 1 ? " failure: " : " failures: ") +
             t.reason;
    case Kind::kUp:
      return "UP after " + n + (t.count == 1 ? " success" : " successes") +
             (t.weight ? ", weight " + std::to_string(*t.weight) : "");
    case Kind::kWeight:
      return "weight " + std::to_string(t.weight.value_or(0));
  }
  return "?";
}

}  // namespace

health::CheckSpec ToCheckSpec(const HealthCheck& c) {
  health::CheckSpec s;
  s.type = ToType(c.type);
  s.address = c.address;
  s.port = c.port;
  s.path = c.path;
  s.host = c.host;
  for (const auto& r : c.status) s.status.emplace_back(r.first, r.last);
  s.body_regex = c.regex;
  s.sni = c.sni;
  s.verify = c.verify;
  s.ca_file = c.ca_file;
  s.client_cert = c.client_cert;
  s.client_key = c.client_key;
  s.payload = c.payload;
  s.expect_regex = c.expect;
  s.argv = c.command;
  s.interval = c.interval;
  s.timeout = c.timeout;
  s.rise = static_cast<int>(c.rise);
  s.fall = static_cast<int>(c.fall);
  s.fast_interval = c.fast_interval;
  s.initial_state = c.initial_state == InitialState::kDown
                        ? health::State::kDown
                        : health::State::kUp;
  return s;
}

HealthInput::HealthInput(event_base* base, OnChange on_change,
                         health::EngineOptions o)
    : on_change_(std::move(on_change)) {
  o.on_result = [this](const health::Key& k, const health::ProbeResult& r) {
    OnResult(k, r);
  };
  engine_ = std::make_unique<health::Engine>(
      base,
      [this](const health::Key& k, health::Transition t) {
        OnTransition(k, t);
      },
      std::move(o));
}

void HealthInput::Update(const Config& cfg) {
  engine_->ReloadTls();  // CA and client files are read again.
  std::vector<CheckedServer> next;
  names_checks_ = false;
  for (const auto& svc : cfg.services) {
    for (const auto& rs : svc.real_servers) {
      auto hc = EffectiveHealthCheck(svc, rs);
      if (!hc) continue;
      names_checks_ = true;
      CheckedServer c{svc.name, ServerRef(rs.address, rs.port), rs.address,
                      rs.port, ToCheckSpec(*hc)};
      Status s = engine_->Add(c.spec);
      if (!s.ok()) {
        Log(kErr,
            c.service + " " + c.server + ": check not started: " + s.message());
        continue;
      }
      next.push_back(std::move(c));
    }
  }
  for (const auto& old : servers_) engine_->Remove(old.spec);
  servers_ = std::move(next);
  by_server_.clear();
  by_probe_.clear();
  for (size_t i = 0; i < servers_.size(); ++i) {
    const CheckedServer& c = servers_[i];
    by_server_.emplace(ServerKey{c.service, c.address, c.port}, i);
    by_probe_.emplace(c.spec, i);
  }
  for (auto it = durations_.begin(); it != durations_.end();)
    it = engine_->Subscribers(it->first) ? std::next(it) : durations_.erase(it);
}

std::optional<health::TargetStatus> HealthInput::StatusOf(
    const CheckedServer& s) const {
  return engine_->StatusOf(s.spec);
}

const CheckDurations* HealthInput::DurationsOf(const CheckedServer& s) const {
  auto it = durations_.find(s.spec);
  return it == durations_.end() ? nullptr : &it->second;
}

std::optional<ServerHealth> HealthInput::Lookup(const Service& svc,
                                                const RealServer& rs) const {
  auto it = by_server_.find(ServerKey{svc.name, rs.address, rs.port});
  if (it == by_server_.end()) return std::nullopt;
  auto st = engine_->StatusOf(servers_[it->second].spec);
  if (!st) return std::nullopt;
  return ServerHealth{st->state == health::State::kUp, st->weight};
}

void HealthInput::ApplyTo(Config& cfg) {
  ApplyHealth(
      cfg,
      [this](const Service& s, const RealServer& rs) { return Lookup(s, rs); },
      quorum_);
}

void HealthInput::ApplyToService(Service& svc) {
  ApplyHealthToService(
      svc,
      [this](const Service& s, const RealServer& rs) { return Lookup(s, rs); },
      quorum_);
}

void HealthInput::OnTransition(const health::Key& key,
                               const health::Transition& t) {
  // A multimap keeps equal keys in insertion order: config order.
  auto [first, last] = by_probe_.equal_range(key);
  for (auto it = first; it != last; ++it) {
    const CheckedServer& c = servers_[it->second];
    if (t.kind == health::Transition::Kind::kDown)
      dead_.push_back({c.service, c.address, c.port});
    Log(kNotice, c.service + " " + c.server + " " + TransitionText(t));
    on_change_(c.service);
  }
}

void HealthInput::OnResult(const health::Key& key,
                           const health::ProbeResult& r) {
  CheckDurations& d = durations_[key];
  double secs = std::chrono::duration<double>(r.latency).count();
  ++d.count;
  d.seconds += secs;
  auto b = std::lower_bound(kCheckBuckets.begin(), kCheckBuckets.end(), secs);
  if (b != kCheckBuckets.end()) ++d.buckets[b - kCheckBuckets.begin()];
}

}  // namespace lvsnft::daemon
