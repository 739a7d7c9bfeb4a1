#include "health/engine.h"

#include "health/checker_internal.h"

namespace lvsnft::health {

Engine::Engine(event_base* base, OnTransition on_transition, EngineOptions o)
    : shared_(std::make_unique<Shared>(base, std::move(on_transition), o)) {}

Engine::~Engine() {
  checkers_.clear();  // Before the reaper (in shared_) collects children.
  retired_.clear();
}

Status Engine::Add(const CheckSpec& spec) {
  if (Status st = Validate(spec); !st.ok()) return st;
  if (shared_->in_callback == 0) retired_.clear();
  // Reads the TLS files now (once per context), not inside the first
  // attempt's timeout: the system store alone is ~200 certificates.
  if (spec.type == CheckType::kHttps) (void)shared_->tls.Get(spec);
  Entry& e = checkers_[spec];
  if (!e.checker) e.checker = std::make_unique<Checker>(*shared_, spec);
  e.subscribers++;
  return Status();
}

bool Engine::Remove(const CheckSpec& spec) {
  if (shared_->in_callback == 0) retired_.clear();
  auto it = checkers_.find(spec);
  if (it == checkers_.end()) return false;
  if (--it->second.subscribers > 0) return true;
  it->second.checker->Stop();
  // Destroyed later: this may run inside the checker's own callback.
  retired_.push_back(std::move(it->second.checker));
  checkers_.erase(it);
  return true;
}

std::optional<TargetStatus> Engine::StatusOf(const Key& key) const {
  auto it = checkers_.find(key);
  if (it == checkers_.end()) return std::nullopt;
  return it->second.checker->status();
}

int Engine::Subscribers(const Key& key) const {
  auto it = checkers_.find(key);
  return it == checkers_.end() ? 0 : it->second.subscribers;
}

void Engine::ForEach(
    const std::function<void(const Key&, const TargetStatus&)>& fn) const {
  for (const auto& [key, e] : checkers_) fn(key, e.checker->status());
}

size_t Engine::PendingChildren() const { return shared_->reaper.pending(); }

void Engine::ReloadTls() { shared_->tls.Clear(); }

size_t Engine::TlsContextCount() const { return shared_->tls.size(); }

}  // namespace lvsnft::health
