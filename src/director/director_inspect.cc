// Director::Inspect and Director::State: what runs, named with the config
// last applied.
#include "compiler/lower.h"
#include "config/parse.h"
#include "director/director.h"

namespace lvsnft::netlink {
namespace {

// Active / inactive counts and the connection list: conntrack (NAT,
// FULLNAT; only when `ct` is given) and the flow table (DR, TUN).
void AddConnections(const Config& cfg, const std::vector<DesiredTable>& desired,
                    const std::vector<LiveTable>& live, ConnTrack* ct,
                    StatusResult& out) {
  if (ct) {
    auto entries = ct->List(kSlotMark, kSlotMask);
    if (entries.ok()) {
      auto owners = SlotOwners(desired);
      AddConnStates(owners, *entries, out.status);
      out.connections = ConnRows(owners, *entries, out.status);
    } else {
      out.conntrack_error = entries.status().message();
    }
  }
  for (auto& r : FlowRows(DecodeFlows(cfg, live))) {
    out.connections.push_back(std::move(r));
  }
}

}  // namespace

Result<DirectorState> Director::State() {
  auto now = Current();
  if (!now.ok()) return now.status();
  return LoadState(*now);
}

Result<StatusResult> Director::Inspect(
    const std::function<void(Config&)>& adjust, ConnTrack* ct) {
  auto st = State();
  if (!st.ok()) return st.status();
  auto live = env_.nft->Dump(true);
  if (!live.ok()) return live.status();
  auto gen = env_.nft->GenId();
  StatusResult out;
  Config cfg;
  if (!st->config_text.empty()) {
    Diagnostics d("(applied config)");
    if (auto c = LoadConfig(st->config_text, d)) {
      cfg = *c;
    } else {  // Only labels come from it: show what the kernel says.
      out.config_warning = d.FormatAll();
    }
  }
  // The plan this Director applied is the remembered config's, unless
  // another process applied since (then its state differs).
  if (adjust) adjust(cfg);
  bool same = !adjust && applied_ && state_ && out.config_warning.empty() &&
              state_->config_text == st->config_text;
  plan::Plan lowered;
  if (!same) lowered = Lower(cfg);
  const plan::Plan& p = same ? *applied_ : lowered;
  std::vector<DesiredTable> desired;
  for (const auto& t : p.tables) {
    auto dt = ToDesired(t, env_.encode, {});
    if (!dt.ok()) return dt.status();
    desired.push_back(std::move(*dt));
  }
  out.status = BuildStatus(cfg, desired, *live, gen.ok() ? *gen : 0);
  out.status.config_known = !st->config_text.empty();
  AddConnections(cfg, desired, *live, ct, out);
  return out;
}

}  // namespace lvsnft::netlink
