#include "director/flow_flush.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

#include "compiler/lower_util.h"

namespace lvsnft::netlink {
namespace {

constexpr int kAttempts = 3;

// The element key (saddr . daddr . sport . dport . mark, ports padded to
// 4 bytes) belongs to `o`: same VIP, a port of the service, its target id.
bool Owns(const FlowOwner& o, std::span<const uint8_t> key, size_t alen) {
  if (o.vip.size() != alen || key.size() != 2 * alen + 12) return false;
  if (std::memcmp(key.data() + alen, o.vip.bytes.data(), alen) != 0)
    return false;
  uint32_t tid;
  std::memcpy(&tid, key.data() + 2 * alen + 8, 4);
  if (tid != o.target_id) return false;
  uint16_t dport =
      static_cast<uint16_t>(key[2 * alen + 4] << 8 | key[2 * alen + 5]);
  return std::any_of(o.ports.begin(), o.ports.end(), [&](const PortRange& p) {
    return dport >= p.first && dport <= p.last;
  });
}

}  // namespace

FlowOwner OwnerOf(const Config& cfg, const Service& svc, const RealServer& rs) {
  std::string dev = svc.mode == Mode::kTun ? lower::TunnelName(rs.address)
                                           : cfg.director.interface;
  return {svc.vip, svc.ports, lower::TargetId(rs.address, dev)};
}

std::vector<Change> FlowDeletions(const std::vector<LiveTable>& live,
                                  const std::vector<FlowOwner>& owners) {
  std::vector<Change> out;
  const LiveTable* t =
      FindTable(live, plan::TableFamily::kNetdev, plan::kNatTable);
  if (!t || owners.empty()) return out;
  for (const auto& set : t->sets) {
    size_t alen = set.name == "flows4" ? 4 : set.name == "flows6" ? 16 : 0;
    if (!alen) continue;
    Change c;
    c.kind = ChangeKind::kDelElems;
    c.live = t;
    c.set = set.name;
    c.what = "flows of removed real servers";
    for (const auto& e : set.elements) {
      bool match = std::any_of(owners.begin(), owners.end(),
                               [&](auto& o) { return Owns(o, e.key, alen); });
      if (!match) continue;
      RawElement r;
      r.key = e.key;
      r.flags = e.flags;
      c.elements.push_back(std::move(r));
    }
    if (!c.elements.empty()) out.push_back(std::move(c));
  }
  return out;
}

Result<FlowFlush> FlushFlows(NftKernel& nft,
                             const std::vector<FlowOwner>& owners) {
  std::string last_error;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto genid = nft.GenId();
    if (!genid.ok()) return genid.status();
    auto live = nft.Dump(true);
    if (!live.ok()) return live.status();
    Delta delta;
    delta.changes = FlowDeletions(*live, owners);
    if (delta.empty()) return FlowFlush{};
    std::vector<DesiredTable> none;
    CommitInput in;
    in.delta = &delta;
    in.desired = &none;
    in.genid = *genid;
    auto r = nft.Commit(in);
    if (!r.ok()) return r.status();
    if (r->committed) {
      FlowFlush done{0, *genid};
      for (const auto& c : delta.changes) done.deleted += c.elements.size();
      return done;
    }
    if (!r->errors.empty()) last_error = r->errors.front();
  }
  return Status::Error("flow entries not deleted after " +
                       std::to_string(kAttempts) + " attempts" +
                       (last_error.empty() ? "" : ": " + last_error));
}

}  // namespace lvsnft::netlink
