#include "faults.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace lvsnft::test_support {

Result<netlink::CommitResult> FaultyNft::Commit(
    const netlink::CommitInput& in) {
  if (in.delta->changes.empty()) return inner_->Commit(in);
  netlink::Delta bad = *in.delta;
  const netlink::Change& first = bad.changes.front();
  netlink::Change fault;
  fault.kind = netlink::ChangeKind::kDelChain;
  fault.table = first.table;
  fault.live = first.live;
  fault.chain = "lvsnft-fault-injection";
  fault.what = "delete chain lvsnft-fault-injection";
  bad.changes.push_back(std::move(fault));
  netlink::CommitInput copy = in;
  copy.delta = &bad;
  return inner_->Commit(copy);
}

Result<netlink::CommitResult> HoldingNft::Commit(
    const netlink::CommitInput& in) {
  if (!held_) {
    held_ = true;
    if (FILE* f = std::fopen(path_.c_str(), "w")) std::fclose(f);
    for (int i = 0; i < 6000 && access(path_.c_str(), F_OK) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return inner_->Commit(in);
}

Status FailFirstSaveStore::Save(const netlink::DirectorState& s) {
  Status saved = inner_->Save(s);
  if (!saved.ok() || failed_) return saved;
  failed_ = true;
  return Status::Error("injected fault: after-tunnels");
}

}  // namespace lvsnft::test_support
