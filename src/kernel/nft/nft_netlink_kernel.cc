// NftKernel over NETLINK_NETFILTER: dumps lvsnft's tables, and turns a
// Delta into one batch (libnftnl objects built from the plan) sent in one
// sendmsg, guarded by the ruleset generation id.
#include "kernel/nft/nft_netlink_kernel.h"

#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <map>
#include <optional>

#include "base/side_work.h"
#include "base/timing.h"
#include "kernel/nft/nft_batch.h"
#include "kernel/nft/nft_dump.h"
#include "kernel/nft/nft_objects.h"
#include "kernel/nft/nft_plan.h"
#include "kernel/nft/nft_rule.h"
#include "kernel/nft/nft_socket.h"
#include "kernel/nft/nft_tag.h"

namespace lvsnft::netlink {

namespace {

TableId IdOf(const Change& c) {
  if (c.table) return {c.table->family, c.table->name};
  return {c.live->family, c.live->name};
}

// Builds the batch operations of a delta, in its order.
class OpBuilder {
 public:
  OpBuilder(const std::vector<DesiredTable>& desired,
            const std::map<std::string, uint32_t>& ifindex)
      : desired_(desired), ifindex_(ifindex) {}

  Status Add(const Change& c);
  /// Room for `n` operations (one per change, but for anonymous sets).
  void Reserve(size_t n) { ops_.reserve(n); }
  /// The operations in batch order: the elements of sets this batch
  /// creates follow the last rule (see late_).
  std::vector<Op> Take();

 private:
  Status AddSetDecl(const Change& c, const DesiredTable& d);
  Status AddRule(const Change& c, const DesiredTable& d);
  void Elements(const Change& c);
  const SetRef* FindSet(const plan::Table& t, const std::string& name);

  const std::vector<DesiredTable>& desired_;
  const std::map<std::string, uint32_t>& ifindex_;
  std::vector<Op> ops_;
  // Elements of sets created by this batch. A rule that binds a map makes
  // the kernel walk every element already in it (nf_tables_bind_set, once
  // per binding chain); sent after the rules, as `nft -f` of the compiled
  // ruleset sends them, the maps are still empty when bound.
  std::vector<Op> late_;
  SetIds ids_;
  std::map<std::string, uint32_t> new_sets_;  // "family name/set" -> id
  std::map<std::string, SetRef> refs_;
};

std::string SetKey(const TableId& t, const std::string& set) {
  return std::string(plan::FamilyKeyword(t.family)) + " " + t.name + "/" + set;
}

const SetRef* OpBuilder::FindSet(const plan::Table& t,
                                 const std::string& name) {
  TableId tid{t.family, t.name};
  std::string key = SetKey(tid, name);
  auto it = refs_.find(key);
  if (it != refs_.end()) return &it->second;
  const plan::Set* s = plan::FindSet(t, name);
  if (!s) return nullptr;
  auto id = new_sets_.find(key);
  // Sets already in the kernel are found by name (set id 0).
  return &(refs_[key] = RefOf(*s, id == new_sets_.end() ? 0 : id->second));
}

Status OpBuilder::AddSetDecl(const Change& c, const DesiredTable& d) {
  const plan::Set* s = plan::FindSet(*c.table, c.set);
  if (!s) return Status::Error("internal: unknown set " + c.set);
  uint32_t id = ids_.Next();
  new_sets_[SetKey(IdOf(c), c.set)] = id;
  auto set = BuildSet(IdOf(c), *s, id);
  if (!set.ok()) return set.status();
  TagSet(set->get(), d.set_tags.at(c.set));
  ops_.push_back(netlink::AddSet(std::move(*set), c.what));
  return Status();
}

void OpBuilder::Elements(const Change& c) {
  TableId tid = IdOf(c);
  auto id = new_sets_.find(SetKey(tid, c.set));
  SetPtr holder = SetHandle(tid, c.set, id == new_sets_.end() ? 0 : id->second);
  // The change's elements go into the pages as they are: the delta and
  // the desired tables outlive the batch.
  std::string desc = "elements of set " + c.set;
  if (c.kind == ChangeKind::kDelElems) {
    ops_.push_back(
        DeleteRawElements(std::move(holder), desc, Borrow(c.Elements())));
    return;
  }
  auto& to = id == new_sets_.end() ? ops_ : late_;
  to.push_back(AddRawElements(std::move(holder), desc, Borrow(c.Elements())));
}

std::vector<Op> OpBuilder::Take() {
  // After the last rule added; the deletions of chains and sets that
  // follow it name other objects than these new sets.
  auto last_rule = std::find_if(ops_.rbegin(), ops_.rend(), [](const Op& op) {
    return op.kind == OpKind::kAddRule;
  });
  auto at = last_rule == ops_.rend() ? ops_.end() : last_rule.base();
  ops_.insert(at, std::make_move_iterator(late_.begin()),
              std::make_move_iterator(late_.end()));
  late_.clear();
  return std::move(ops_);
}

Status OpBuilder::AddRule(const Change& c, const DesiredTable& d) {
  RuleEnv env;
  env.table = IdOf(c);
  env.chain = c.chain;
  env.find_set = [&](const std::string& name) {
    return FindSet(*c.table, name);
  };
  env.ifindex = [&](const std::string& dev) -> std::optional<uint32_t> {
    auto it = ifindex_.find(dev);
    if (it == ifindex_.end()) return std::nullopt;
    return it->second;
  };
  env.next_set_id = [this] { return ids_.Next(); };
  auto lowered = LowerRule(*c.rule, env);
  if (!lowered.ok())
    return Status::Error(c.what + ": " + lowered.status().message());
  for (auto& anon : lowered->anon_sets) {
    ops_.push_back(
        netlink::AddSet(std::move(anon.decl), "anonymous map of " + c.what));
    ops_.push_back(
        AddElements(std::move(anon.elements), "anonymous map of " + c.what));
  }
  TagRule(lowered->rule.get(), c.rule_tag);
  if (c.handle)
    nftnl_rule_set_u64(lowered->rule.get(), NFTNL_RULE_POSITION, c.handle);
  (void)d;
  ops_.push_back(netlink::AddRule(std::move(lowered->rule), c.what));
  return Status();
}

Status OpBuilder::Add(const Change& c) {
  const DesiredTable* d = c.table ? FindDesired(desired_, c.table) : nullptr;
  switch (c.kind) {
    case ChangeKind::kDelTable:
      ops_.push_back(DeleteTable(IdOf(c), c.live->handle));
      return Status();
    case ChangeKind::kAddTable: {
      auto t = BuildTable(*c.table);
      if (!t.ok()) return t.status();
      TagTable(t->get(), d->tag);
      ops_.push_back(AddTable(std::move(*t), c.what));
      return Status();
    }
    case ChangeKind::kAddSet:
      return AddSetDecl(c, *d);
    case ChangeKind::kAddChain: {
      const plan::Chain* ch =
          c.plan_chain ? c.plan_chain : plan::FindChain(*c.table, c.chain);
      if (!ch) return Status::Error("internal: unknown chain " + c.chain);
      auto built = BuildChain(IdOf(c), *ch);
      if (!built.ok()) return built.status();
      TagChain(built->get(), d->chain_tags.at(c.chain));
      ops_.push_back(netlink::AddChain(std::move(*built), c.what));
      return Status();
    }
    case ChangeKind::kDelRule:
      ops_.push_back(DeleteRule(IdOf(c), c.chain, c.handle));
      return Status();
    case ChangeKind::kAddElems:
    case ChangeKind::kDelElems:
      Elements(c);
      return Status();
    case ChangeKind::kAddRule:
      return AddRule(c, *d);
    case ChangeKind::kDelChain:
      ops_.push_back(DeleteChain(IdOf(c), c.chain, c.handle));
      return Status();
    case ChangeKind::kDelSet:
      ops_.push_back(DeleteSet(IdOf(c), c.set, c.handle));
      return Status();
  }
  return Status();
}

class NetlinkNft : public NftKernel {
 public:
  explicit NetlinkNft(std::unique_ptr<NftSocket> s) : sock_(std::move(s)) {}
  Result<uint32_t> GenId() override { return sock_->GenId(); }
  Result<std::string> Instance() override { return sock_->Instance(); }
  Result<std::vector<LiveTable>> Dump(bool with_elements) override;
  Result<CommitResult> Commit(const CommitInput& in) override;
  Result<std::vector<LiveRule>> DumpChain(plan::TableFamily family,
                                          const std::string& table,
                                          const std::string& chain) override {
    return DumpChainRules(*sock_, family, table, chain);
  }

 private:
  std::unique_ptr<NftSocket> sock_;
};

Result<std::vector<LiveTable>> NetlinkNft::Dump(bool with_elements) {
  std::vector<LiveTable> out;
  for (auto fam : {plan::TableFamily::kInet, plan::TableFamily::kNetdev}) {
    auto t = DumpTable(*sock_, fam, plan::kNatTable, with_elements);
    if (!t.ok()) return t.status();
    if (*t) out.push_back(std::move(**t));
  }
  return out;
}

Result<CommitResult> NetlinkNft::Commit(const CommitInput& in) {
  PhaseTimer ops_timer("build ops");
  OpBuilder b(*in.desired, in.ifindex);
  b.Reserve(in.delta->changes.size());
  for (const auto& c : in.delta->changes) {
    Status s = b.Add(c);
    if (!s.ok()) return s;
  }
  std::vector<Op> ops = b.Take();
  ops_timer.Done();
  BatchOptions opt;
  opt.first_seq = sock_->PeekSeq();
  opt.genid = in.genid;
  // No NLM_F_ACK, as nft sends its batches: the kernel reports every
  // failing message without it, and for a committed batch it would build
  // and queue one ACK per message (one recvfrom each).
  opt.commit = in.commit;
  PhaseTimer build("build batch");
  auto batch = Batch::Build(std::move(ops), opt);
  build.Done();
  if (!batch.ok()) return batch.status();
  sock_->SkipSeqs(batch->last_seq());
  auto iov = batch->Iovecs();
  size_t bytes = 0;
  for (const auto& v : iov) bytes += v.iov_len;
  size_t messages = batch->last_seq() - batch->begin_seq() + 1;
  PhaseTimer send("send batch");
  std::optional<SideWork> side;
  if (in.while_sending) side.emplace(in.while_sending);
  auto reply = sock_->SendBatch(iov, bytes, messages);
  send.Done();
  // Before the batch's error texts read desired elements.
  if (side) side->Join();
  if (!reply.ok()) return reply.status();
  CommitResult r;
  r.messages = messages;
  r.bytes = bytes;
  for (const auto& e : reply->errors) {
    if (e.seq == batch->begin_seq() && e.error == ERESTART) {
      r.restart = true;
      continue;
    }
    std::string msg =
        batch->MessageText(e.seq,
                           e.offset ? std::optional(e.offset) : std::nullopt) +
        ": " + ErrnoText(e.error);
    if (!e.message.empty()) msg += " (" + e.message + ")";
    r.errors.push_back(msg);
  }
  if (r.restart) r.errors.clear();
  r.committed = in.commit && !r.restart && r.errors.empty();
  return r;
}

}  // namespace

Result<std::unique_ptr<NftKernel>> OpenNftKernel() {
  auto s = NftSocket::Open();
  if (!s.ok()) return s.status();
  return std::unique_ptr<NftKernel>(new NetlinkNft(std::move(*s)));
}

}  // namespace lvsnft::netlink
