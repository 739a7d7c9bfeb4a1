#include "daemon/daemon_core.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/atomic_file.h"
#include "base/timing.h"
#include "compiler/config_diff.h"
#include "config/check.h"
#include "config/diag.h"
#include "config/origins.h"
#include "config/parse.h"
#include "config/reread.h"
#include "daemon/log.h"
#include "daemon/request.h"

namespace lvsnft::daemon {
namespace {

const char* ReasonName(SyncReason r) {
  switch (r) {
    case SyncReason::kStart:
      return "start";
    case SyncReason::kReload:
      return "reload";
    case SyncReason::kControl:
      return "control";
    case SyncReason::kEvent:
      return "kernel event";
    case SyncReason::kPeriodic:
      return "periodic check";
    case SyncReason::kHealth:
      return "health check";
  }
  return "?";
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

// Same service names at the same positions (a reload that reorders or
// renames services takes the full path).
bool SameOrder(const Config& a, const Config& b) {
  if (a.services.size() != b.services.size()) return false;
  for (size_t i = 0; i < a.services.size(); ++i) {
    if (a.services[i].name != b.services[i].name) return false;
  }
  return true;
}

// True when health and the overrides left service `a` as `b` (the file's
// form): compared as the reload compares files (TouchedServices).
bool SameService(Service& a, Service& b) {
  Config x, y;
  x.services.push_back(std::move(a));
  y.services.push_back(std::move(b));
  auto touched = TouchedServices(x, y);
  a = std::move(x.services[0]);
  b = std::move(y.services[0]);
  return touched && touched->empty();
}

// True when a server of `s` has a health check (its own or the service's).
bool NamesCheck(const Service& s) {
  return s.health_check ||
         std::any_of(s.real_servers.begin(), s.real_servers.end(),
                     [](const RealServer& rs) { return !!rs.health_check; });
}

void LogUnmatched(const std::vector<std::string>& unmatched) {
  for (const auto& u : unmatched)
    Log(kWarning, "override " + u + " names no real server of the config");
}

double UnixNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

void LogChanges(const SyncResult& r, SyncReason why, double seconds) {
  for (const auto& l : r.lines)
    Log(kInfo, (l.service.empty() ? "director" : "service " + l.service) +
                   ": " + l.text);
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f ms", seconds * 1000);
  if (!r.changed()) {
    Log(kDebug,
        std::string("sync (") + ReasonName(why) + "): already in sync, " + ms);
    return;
  }
  bool repair = why == SyncReason::kEvent || why == SyncReason::kPeriodic;
  Log(repair ? kWarning : kNotice,
      std::string(repair ? "drift repaired" : "sync") + " (" + ReasonName(why) +
          "): " + std::to_string(r.nft_changes) + " nftables and " +
          std::to_string(r.host_changes) + " host changes in " +
          std::to_string(r.transactions) + " transaction(s)" +
          (r.incremental ? " (incremental), " : ", ") + ms);
}

}  // namespace

std::optional<std::set<std::string>> DaemonCore::RereadTouched(
    const Reread& r) const {
  if (!r.in_place || r.config.services.size() != eff_.services.size())
    return std::nullopt;
  std::set<std::string> touched;
  for (size_t j : r.parsed_at) {
    Service was = eff_.services[j], now = r.config.services[j];
    if (was.name != now.name) return std::nullopt;
    if (!SameService(was, now)) touched.insert(now.name);
  }
  return touched;
}

std::optional<Config> DaemonCore::ParseFile(std::string_view text,
                                            Diagnostics& diags, bool reread,
                                            FileRead& out) {
  if (reread && text_ && !text_->empty()) {
    // Most reloads change a few services: reuse the running parse of the
    // others. Anything else (and every error) takes the full read.
    std::optional<Reread> r;
    WithFileView([&] {
      r = RereadConfig(*text_, eff_, text, diags, spans_ ? &*spans_ : nullptr);
      // Only the re-parsed entries can differ: no compare of the others.
      if (r) out.touched = RereadTouched(*r);
    });
    if (r) {
      Log(kDebug, "reload: " + std::to_string(r->parsed) + " of " +
                      std::to_string(r->config.services.size()) +
                      " services parsed, the others reused");
      out.spans = std::move(r->spans);
      return std::move(r->config);
    }
  }
  auto c = LoadConfig(text, diags);
  // The parser's peak (the JSON tree of the whole file) is freed now; give
  // it back so the daemon's RSS is what it keeps, not what a reload used.
  malloc_trim(0);
  return c;
}

bool DaemonCore::PatchFile(std::string_view text, Diagnostics& diags,
                           FileRead& out) {
  if (dirty_ || !text_ || text_->empty()) return false;
  // The common reload: the same services, a few of them changed. The
  // running file form becomes the new one in place (no copy of the rest).
  WithFileView([&] {
    out.patch = RereadInPlace(*text_, eff_, text, diags,
                              spans_ ? &*spans_ : nullptr, reading_files_);
  });
  if (out.patch)
    Log(kDebug, "reload: " + std::to_string(out.patch->at.size()) + " of " +
                    std::to_string(eff_.services.size()) +
                    " services parsed, the others kept");
  return out.patch.has_value();
}

Result<bool> DaemonCore::CheckHost(std::optional<Config>& c, FileRead& out,
                                   Diagnostics& diags) {
  PhaseTimer host_check("host check");
  Result<bool> host = false;
  if (!out.patch) {
    host = o_.port->CheckHost(*c, diags);
    return host;
  }
  WithFileView([&] {
    host = o_.port->CheckHost(eff_, diags);
    if (!host.ok() || !*host) out.patch->Swap(eff_);  // Undone.
  });
  if (!host.ok() || !*host) out.patch.reset();
  return host;
}

Status DaemonCore::ReadConfig(Config& cfg, FileRead& out,
                              std::vector<std::string>* errors, bool reread) {
  PhaseTimer read("read file");
  auto file = ReadWholeFile(o_.config_path);
  if (!file.ok()) return file.status();
  if (!*file) return Status::Error(o_.config_path + ": no such file");
  read.Done();
  // Shared from here on: the spans a reread keeps point into it.
  out.text = std::make_shared<const std::string>(std::move(**file));
  PhaseTimer parse("parse+check");
  Diagnostics diags(o_.config_path);
  std::optional<Config> c;
  if (!reread || !PatchFile(*out.text, diags, out))
    c = ParseFile(*out.text, diags, reread, out);
  parse.Done();
  if (c ||
      out.patch) {  // Like apply: a config the host cannot run is invalid too.
    auto host = CheckHost(c, out, diags);
    if (!host.ok()) return host.status();
    if (!*host) c.reset();
  }
  if (!c && !out.patch) {
    std::istringstream lines(diags.FormatAll());
    for (std::string l; std::getline(lines, l);)
      if (errors) errors->push_back(l);
    return Status::Error(o_.config_path + ": invalid config (" +
                         std::to_string(diags.items().size()) + " error(s))");
  }
  if (c) cfg = std::move(*c);
  return Status();
}

Status DaemonCore::Load(std::vector<std::string>* errors) {
  Config cfg;
  FileRead file;
  Status s = ReadConfig(cfg, file, errors);
  if (!s.ok()) return s;
  text_ = std::move(file.text);
  spans_.reset();
  reading_files_.reset();
  SetFile(std::move(cfg));
  auto ov = Overrides::Load(o_.overrides_path);
  if (!ov.ok()) {
    // A damaged file must not stop the director: start without overrides.
    Log(kErr, "ignoring overrides: " + ov.status().message());
  } else {
    overrides_ = std::move(*ov);
  }
  ++stats_.generation;
  Warm();
  ReportMemory("after load");
  return Status();
}

void DaemonCore::WithFileView(const std::function<void()>& f) {
  for (auto& [i, svc] : file_only_) std::swap(eff_.services[i], svc);
  f();
  for (auto& [i, svc] : file_only_) std::swap(eff_.services[i], svc);
}

void DaemonCore::Derive(Config& cfg, size_t i,
                        std::unordered_map<size_t, Service>& file_only,
                        std::vector<std::string>* unmatched) const {
  Service& svc = cfg.services[i];
  Service file = svc;
  if (health_) health_->ApplyToService(svc);  // Before overrides: they win.
  overrides_.ApplyToService(svc, unmatched);
  if (SameService(svc, file)) {
    file_only.erase(i);
  } else {
    file_only[i] = std::move(file);
  }
}

Config DaemonCore::FileView() {
  Config file;
  WithFileView([&] { file = eff_; });
  return file;
}

void DaemonCore::Rederive(size_t i) {
  eff_.services[i] = file_only_.at(i);
  Derive(eff_, i, file_only_, nullptr);
}

Status DaemonCore::Sync(SyncReason why) { return SyncFrom(why, FileView()); }

Status DaemonCore::SyncFrom(SyncReason why, Config next) {
  PhaseTimer input("effective");
  std::unordered_map<size_t, Service> file_only;
  std::vector<std::string> unmatched;
  for (size_t i = 0; i < next.services.size(); ++i)
    Derive(next, i, file_only, &unmatched);
  for (const auto& o : overrides_.items())  // Its service is gone.
    if (!index_.count(o.service)) unmatched.push_back(o.Target());
  input.Done();
  LogUnmatched(unmatched);
  auto t0 = std::chrono::steady_clock::now();
  auto r = o_.port->Apply(dirty_ ? nullptr : &eff_, next, text_);
  // Adopted even when the sync failed (dirty_ then makes the next one
  // start from nothing known), so the file's config is never lost.
  eff_ = std::move(next);
  file_only_ = std::move(file_only);
  return Finish(why, r, SecondsSince(t0));
}

Status DaemonCore::SyncServices(SyncReason why,
                                const std::set<std::string>& names) {
  std::vector<size_t> at;
  for (const auto& name : names) {
    auto it = index_.find(name);
    if (it == index_.end() || it->second >= eff_.services.size())
      return Sync(why);
    at.push_back(it->second);
  }
  if (dirty_ || at.empty()) return Sync(why);
  PhaseTimer input("effective");
  std::vector<Service> was;
  std::vector<std::string> unmatched;
  for (size_t i : at) {
    Service& svc = eff_.services[i];
    auto file = file_only_.find(i);
    Service from = file == file_only_.end() ? svc : file->second;
    was.push_back(std::exchange(svc, std::move(from)));
    Derive(eff_, i, file_only_, &unmatched);
  }
  input.Done();
  LogUnmatched(unmatched);
  auto t0 = std::chrono::steady_clock::now();
  auto r = o_.port->ApplyServices(was, eff_, text_);
  return Finish(why, r, SecondsSince(t0));
}

Status DaemonCore::Finish(SyncReason why, const Result<SyncResult>& r,
                          double secs) {
  stats_.RecordSync(r.ok(), secs, UnixNow(),
                    r.ok() ? "ok" : r.status().message());
  dirty_ = !r.ok();  // then effective_ is not what the kernel has
  if (!r.ok()) {
    Log(kErr, std::string("sync (") + ReasonName(why) +
                  ") failed: " + r.status().message());
    return r.status();
  }
  stats_.last_genid = r->genid;
  if (health_) {  // After the commit: no new flow goes there any more.
    auto own =
        FlushDeadServers(eff_, health_->TakeDead(), {o_.conntrack, o_.nft});
    // The flow deletion is the daemon's own write, not drift.
    if (own == stats_.last_genid) stats_.last_genid = netlink::NextGenId(*own);
  }
  if (r->changed() &&
      (why == SyncReason::kEvent || why == SyncReason::kPeriodic))
    ++stats_.drift_repairs;
  LogChanges(*r, why, secs);
  ReportMemory("after sync");
  return Status();
}

void DaemonCore::SetFile(Config cfg) {
  eff_ = std::move(cfg);
  file_only_.clear();
  Index(eff_);
}

void DaemonCore::Index(const Config& cfg) {
  index_.clear();
  index_.reserve(cfg.services.size());
  for (size_t i = 0; i < cfg.services.size(); ++i)
    index_.emplace(cfg.services[i].name, i);
}

Status DaemonCore::ReloadServices(Config cfg,
                                  const std::set<std::string>& touched) {
  // Same services in the same order: the new file's form of each touched
  // service is set aside; SyncServices derives its effective form. The
  // others (and the director) differ at most in their origins: adopted.
  eff_.director = std::move(cfg.director);
  for (size_t i = 0; i < cfg.services.size(); ++i) {
    Service& now = cfg.services[i];
    bool changed = touched.count(now.name) > 0;
    if (!changed && !file_only_.count(i)) {
      eff_.services[i] = std::move(now);
      continue;
    }
    file_only_[i] = std::move(now);
    if (!changed) Rederive(i);
  }
  if (health_) WithFileView([&] { health_->Update(eff_); });
  return SyncServices(SyncReason::kReload, touched);
}

Status DaemonCore::ReloadPatched(RereadPatch& p) {
  // The effective forms kept aside from moved file forms move with them.
  for (auto& [i, file] : file_only_)
    if (int lines = p.LinesMoved(i)) MoveLines(eff_.services[i], lines);
  // Each new file form goes to file_only_ (its old effective form back to
  // eff_, for SyncServices to derive from and compare with).
  std::set<std::string> touched;
  // The checks are subscribed again unless none was or is named (then
  // that would visit every server for nothing).
  bool checks = health_ && health_->NamesChecks();
  for (size_t k = 0; k < p.at.size(); ++k) {
    size_t i = p.at[k];
    auto file = file_only_.find(i);
    Service& now = file == file_only_.end() ? eff_.services[i] : file->second;
    checks = checks || NamesCheck(now);
    bool same = SameService(p.services[k], now);
    if (file == file_only_.end()) {
      file_only_[i] = std::exchange(eff_.services[i], std::move(p.services[k]));
    }
    if (!same) {
      touched.insert(eff_.services[i].name);
    } else {  // Only its origins moved: nothing to sync.
      Rederive(i);
    }
  }
  if (health_ && checks) WithFileView([&] { health_->Update(eff_); });
  if (touched.empty()) return SyncFrom(SyncReason::kReload, FileView());
  return SyncServices(SyncReason::kReload, touched);
}

bool DaemonCore::Reload(std::vector<std::string>* errors) {
  o_.notify("RELOADING=1");
  Config cfg;
  FileRead file;
  std::vector<std::string> errs;
  Status s = ReadConfig(cfg, file, &errs, true);
  bool ok = s.ok();
  if (ok && file.patch) {
    text_ = std::move(file.text);
    spans_ = std::move(file.patch->spans);
    reading_files_ = file.patch->reading_files;
    ++stats_.generation;
    ok = ReloadPatched(*file.patch).ok();
  } else if (ok) {
    // Only the services the file changed are synced when the file keeps
    // its services and their order (the rest of eff_ stays right). A
    // reread names them; otherwise the configs are compared.
    PhaseTimer compare("compare file");
    std::optional<std::set<std::string>> touched;
    if (!dirty_) touched = std::move(file.touched);
    if (!dirty_ && !touched) {
      WithFileView([&] {
        if (SameOrder(eff_, cfg)) touched = TouchedServices(eff_, cfg);
      });
    }
    compare.Done();
    text_ = std::move(file.text);
    spans_ = std::move(file.spans);
    reading_files_.reset();
    ++stats_.generation;
    if (touched && !touched->empty()) {
      ok = ReloadServices(std::move(cfg), *touched).ok();
    } else {
      if (health_) health_->Update(cfg);
      Index(cfg);
      ok = SyncFrom(SyncReason::kReload, std::move(cfg)).ok();
    }
  } else {
    Log(kErr, "reload rejected, running config kept: " + s.message());
    for (const auto& e : errs) Log(kErr, e);
  }
  (ok ? stats_.reloads_ok : stats_.reloads_failed)++;
  if (errors) *errors = std::move(errs);
  o_.notify("READY=1");
  return ok;
}

void DaemonCore::Persist() {
  Status s = o_.port->Persist();
  if (!s.ok()) Log(kErr, "state not saved: " + s.message());
  Warm();
}

void DaemonCore::Warm() {
  // Without these the next reload finds them itself, on its reply path:
  // 55 ms for the scan and 13 ms for the count at NAT 10k x 10.
  if (text_ && !spans_) spans_ = ScanServices(*text_);
  if (!reading_files_) {
    WithFileView([&] {
      reading_files_ = std::count_if(eff_.services.begin(), eff_.services.end(),
                                     ChecksReadFiles);
    });
  }
}

void DaemonCore::AttachHealth(HealthInput* h) {
  health_ = h;
  if (h) WithFileView([&] { h->Update(eff_); });
}

void DaemonCore::HostEvent() {
  // The full sync this once always took cost 1.2 s at mixed 10k x 10, on
  // the loop, right after every start (the echo of the VIPs it added).
  if (!dirty_) {
    auto same = o_.port->HostInSync(eff_);
    if (same.ok() && *same) return Check(SyncReason::kEvent);
  }
  Sync(SyncReason::kEvent);
}

void DaemonCore::Check(SyncReason why) {
  auto g = o_.port->GenId();
  if (!g.ok()) {
    Log(kErr, std::string(ReasonName(why)) + ": " + g.status().message());
    return;
  }
  if (dirty_ || *g != stats_.last_genid) Sync(why);
}

}  // namespace lvsnft::daemon
