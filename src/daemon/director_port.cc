#include "daemon/director_port.h"

namespace lvsnft::daemon {
namespace {

class ResidentPort : public DirectorPort {
 public:
  ResidentPort(netlink::Director* director, netlink::NftKernel* nft,
               netlink::HostNet* net, netlink::ConnTrack* ct)
      : director_(director), nft_(nft), net_(net), ct_(ct) {}

  Result<SyncResult> Apply(const plan::Plan& p,
                           const std::string& config_text) override {
    netlink::ApplyOptions o;
    o.config_text = config_text;
    auto r = director_->Apply(p, o);
    if (!r.ok()) return r.status();
    SyncResult out;
    out.nft_changes = r->nft_changes;
    out.host_changes = r->host_changes;
    out.transactions = r->committed ? 1 : 0;
    for (const auto& l : r->lines)
      out.lines.push_back({l.service, std::string(1, l.sign) + " " + l.what});
    auto g = nft_->GenId();
    if (g.ok()) out.genid = *g;
    return out;
  }

  Result<bool> CheckHost(const Config& cfg, Diagnostics& diags) override {
    return netlink::CheckLocalAddresses(cfg, *net_, diags);
  }

  Result<uint32_t> GenId() override { return nft_->GenId(); }

  Result<netlink::DirectorStatus> Inspect() override {
    auto r = director_->Inspect(nullptr, ct_);
    if (!r.ok()) return r.status();
    return std::move(r->status);
  }

 private:
  netlink::Director* director_;
  netlink::NftKernel* nft_;
  netlink::HostNet* net_;
  netlink::ConnTrack* ct_;
};

}  // namespace

std::unique_ptr<DirectorPort> MakeDirectorPort(netlink::Director* director,
                                               netlink::NftKernel* nft,
                                               netlink::HostNet* net,
                                               netlink::ConnTrack* ct) {
  return std::make_unique<ResidentPort>(director, nft, net, ct);
}

}  // namespace lvsnft::daemon
