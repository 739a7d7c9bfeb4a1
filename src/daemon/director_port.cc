#include "daemon/director_port.h"

#include <malloc.h>

#include "compiler/lower.h"
#include "director/service_sync.h"

namespace lvsnft::daemon {
namespace {

class ResidentPort : public DirectorPort {
 public:
  ResidentPort(netlink::Director* director, netlink::NftKernel* nft,
               netlink::HostNet* net)
      : sync_(director), director_(director), nft_(nft), net_(net) {
    director->DeferStateSaves(true);
  }

  Result<SyncResult> Apply(const Config* before, const Config& after,
                           const netlink::SharedText& config_text) override {
    return Report(sync_.Sync(before, after, config_text));
  }

  Result<SyncResult> ApplyServices(
      const std::vector<Service>& before, const Config& after,
      const netlink::SharedText& config_text) override {
    return Report(sync_.SyncServices(before, after, config_text));
  }

  Status Persist() override { return director_->FlushState(); }

  Result<bool> CheckHost(const Config& cfg, Diagnostics& diags) override {
    return netlink::CheckLocalAddresses(cfg, *net_, diags);
  }

  Result<uint32_t> GenId() override { return nft_->GenId(); }

  Result<bool> HostInSync(const Config& cfg) override {
    return director_->HostInSync(lower::LowerHost(cfg));
  }

 private:
  static Result<SyncResult> Report(Result<netlink::SyncOutcome> s) {
    // A full sync's peak (whole plan, encoded elements, batch) is freed
    // now; give it back to the kernel so the daemon's RSS is what it keeps.
    if (!s.ok() || !s->incremental) malloc_trim(0);
    if (!s.ok()) return s.status();
    const netlink::DirectorReport* r = &s->report;
    SyncResult out;
    out.incremental = s->incremental;
    out.genid = r->genid;
    out.nft_changes = r->nft_changes;
    out.host_changes = r->host_changes;
    out.transactions = r->committed ? 1 : 0;
    for (const auto& l : r->lines)
      out.lines.push_back({l.service, std::string(1, l.sign) + " " + l.what});
    return out;
  }

  netlink::ServiceSync sync_;
  netlink::Director* director_;
  netlink::NftKernel* nft_;
  netlink::HostNet* net_;
};

}  // namespace

std::unique_ptr<DirectorPort> MakeDirectorPort(netlink::Director* director,
                                               netlink::NftKernel* nft,
                                               netlink::HostNet* net) {
  return std::make_unique<ResidentPort>(director, nft, net);
}

}  // namespace lvsnft::daemon
