// Batch::Build: lays operations out as netlink messages in batch pages.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "kernel/nft/nft_batch.h"
#include "kernel/nft/nft_elem_put.h"

namespace lvsnft::netlink {

/// Writes messages into a scratch buffer, then into the batch pages.
class BatchWriter {
 public:
  BatchWriter(Batch* b, const BatchOptions& opt)
      : b_(b),
        opt_(opt),
        scratch_(opt.max_message + 8192),
        seq_(opt.first_seq) {}

  // Element descriptions are moved out of `ops` into the seq records.
  Status Write(std::vector<Op>& ops) {
    nlmsghdr* nlh = nftnl_batch_begin(scratch_.data(), seq_);
    if (opt_.genid) mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(*opt_.genid));
    b_->begin_seq_ = seq_;
    Commit({"batch begin (ruleset generation check)", nullptr});
    for (Op& op : ops) {
      bool elems =
          op.kind == OpKind::kAddElements || op.kind == OpKind::kDelElements;
      Status st = elems ? Elements(op) : Object(op);
      if (!st.ok()) return st;
      // Written: its libnftnl object is spent (what error texts need is in
      // the seq table), so it goes now rather than coexist with the whole
      // batch's pages (the ops were 9.5 MB of NAT 10k x 10's peak).
      op = Op();
    }
    if (opt_.commit) {
      nftnl_batch_end(scratch_.data(), seq_);
      Commit({"batch end (commit)", nullptr});
    }
    return Status();
  }

 private:
  static uint16_t Type(OpKind k) {
    switch (k) {
      case OpKind::kAddTable:
        return NFT_MSG_NEWTABLE;
      case OpKind::kAddChain:
        return NFT_MSG_NEWCHAIN;
      case OpKind::kAddSet:
        return NFT_MSG_NEWSET;
      case OpKind::kAddElements:
        return NFT_MSG_NEWSETELEM;
      case OpKind::kAddRule:
        return NFT_MSG_NEWRULE;
      case OpKind::kDelTable:
        return NFT_MSG_DELTABLE;
      case OpKind::kDelChain:
        return NFT_MSG_DELCHAIN;
      case OpKind::kDelSet:
        return NFT_MSG_DELSET;
      case OpKind::kDelElements:
        return NFT_MSG_DELSETELEM;
      case OpKind::kDelRule:
      case OpKind::kFlushChain:
        return NFT_MSG_DELRULE;
    }
    return 0;
  }

  // Flags as nft 1.0.6 sets them for `add` (tables: none). A rule with a
  // position is inserted before that rule (nft `insert ... position`).
  uint16_t Flags(const Op& op) const {
    uint16_t f = opt_.ack ? NLM_F_ACK : 0;
    if (op.kind == OpKind::kAddRule &&
        nftnl_rule_is_set(std::get<RulePtr>(op.object).get(),
                          NFTNL_RULE_POSITION)) {
      return f | NLM_F_CREATE;
    }
    switch (op.kind) {
      case OpKind::kAddChain:
      case OpKind::kAddSet:
      case OpKind::kAddElements:
        return f | NLM_F_CREATE;
      case OpKind::kAddRule:
        return f | NLM_F_CREATE | NLM_F_APPEND;
      default:
        return f;
    }
  }

  static uint32_t Family(const Op& op) {
    if (auto* t = std::get_if<TablePtr>(&op.object))
      return nftnl_table_get_u32(t->get(), NFTNL_TABLE_FAMILY);
    if (auto* c = std::get_if<ChainPtr>(&op.object))
      return nftnl_chain_get_u32(c->get(), NFTNL_CHAIN_FAMILY);
    if (auto* s = std::get_if<SetPtr>(&op.object))
      return nftnl_set_get_u32(s->get(), NFTNL_SET_FAMILY);
    return nftnl_rule_get_u32(std::get<RulePtr>(op.object).get(),
                              NFTNL_RULE_FAMILY);
  }

  nlmsghdr* Header(const Op& op) {
    return nftnl_nlmsg_build_hdr(scratch_.data(), Type(op.kind),
                                 static_cast<uint16_t>(Family(op)), Flags(op),
                                 seq_);
  }

  // An upper bound of the rule message: libnftnl writes it without
  // bounds, so the scratch buffer grows to it first.
  static size_t RuleBound(nftnl_rule* r) {
    size_t exprs = 0;
    nftnl_expr_foreach(
        r, [](nftnl_expr*, void* n) { return ++*static_cast<size_t*>(n), 0; },
        &exprs);
    return 8192 + exprs * 512;
  }

  Status Object(const Op& op) {
    if (auto* r = std::get_if<RulePtr>(&op.object))
      scratch_.resize(std::max(scratch_.size(), RuleBound(r->get())));
    nlmsghdr* nlh = Header(op);
    if (auto* t = std::get_if<TablePtr>(&op.object))
      nftnl_table_nlmsg_build_payload(nlh, t->get());
    else if (auto* c = std::get_if<ChainPtr>(&op.object))
      nftnl_chain_nlmsg_build_payload(nlh, c->get());
    else if (auto* s = std::get_if<SetPtr>(&op.object))
      nftnl_set_nlmsg_build_payload(nlh, s->get());
    else
      nftnl_rule_nlmsg_build_payload(nlh, std::get<RulePtr>(op.object).get());
    if (nlh->nlmsg_len > opt_.max_message)
      return Status::Error(op.what + ": message of " +
                           std::to_string(nlh->nlmsg_len) +
                           " bytes exceeds the limit");
    Commit({op.what, nullptr});
    return Status();
  }

  static std::vector<nftnl_set_elem*> ElementsOf(nftnl_set* s) {
    std::vector<nftnl_set_elem*> out;
    nftnl_set_elem_foreach(
        s,
        [](nftnl_set_elem* e, void* data) {
          static_cast<std::vector<nftnl_set_elem*>*>(data)->push_back(e);
          return 0;
        },
        &out);
    return out;
  }

  nlmsghdr* ElementHeader(const Op& op, nftnl_set* s) {
    nlmsghdr* nlh = Header(op);
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE,
                      nftnl_set_get_str(s, NFTNL_SET_TABLE));
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET,
                      nftnl_set_get_str(s, NFTNL_SET_NAME));
    if (nftnl_set_is_set(s, NFTNL_SET_ID))
      mnl_attr_put_u32(nlh, NFTA_SET_ELEM_LIST_SET_ID,
                       htonl(nftnl_set_get_u32(s, NFTNL_SET_ID)));
    return nlh;
  }

  // Fills one message from elems[*next]; advances *next past those sent.
  Status ElementMessage(Op& op, nftnl_set* s,
                        const std::vector<nftnl_set_elem*>& elems, size_t* next,
                        SeqElements* info) {
    nlmsghdr* nlh = ElementHeader(op, s);
    nlattr* list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
    uint16_t n = 0;
    for (; *next < elems.size(); ++*next) {
      uint32_t before = nlh->nlmsg_len;
      nlattr* one = mnl_attr_nest_start(nlh, ++n);
      nftnl_set_elem_nlmsg_build_payload(nlh, elems[*next]);
      mnl_attr_nest_end(nlh, one);
      if (nlh->nlmsg_len > opt_.max_message) {
        if (n == 1)
          return Status::Error(op.what + ": element too large for a message");
        nlh->nlmsg_len = before;
        break;
      }
      if (*next < op.element_what.size())
        info->elements.emplace_back(before, std::move(op.element_what[*next]));
    }
    mnl_attr_nest_end(nlh, list);
    return Status();
  }

  // Fills one message from the raw elements (*op.raw)[*next], encoded in
  // place; advances *next past those sent.
  Status RawMessage(const Op& op, nftnl_set* s, size_t* next,
                    SeqElements* info) {
    const std::vector<RawElement>& elems = *op.raw;
    const bool with_data = op.kind == OpKind::kAddElements;
    nlmsghdr* nlh = ElementHeader(op, s);
    nlattr* list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
    uint16_t n = 0;
    info->raw = op.raw;
    info->raw_first = *next;
    for (; *next < elems.size(); ++*next) {
      size_t need = ElementEntrySize(elems[*next], with_data);
      if (nlh->nlmsg_len + need > opt_.max_message) {
        if (n == 0)
          return Status::Error(op.what + ": element too large for a message");
        break;
      }
      info->raw_offsets.push_back(nlh->nlmsg_len);
      PutElementEntry(nlh, ++n, elems[*next], with_data);
    }
    mnl_attr_nest_end(nlh, list);
    return Status();
  }

  Status Elements(Op& op) {
    nftnl_set* s = std::get<SetPtr>(op.object).get();
    std::vector<nftnl_set_elem*> elems;
    if (!op.raw) elems = ElementsOf(s);
    const size_t total = op.raw ? op.raw->size() : elems.size();
    size_t next = 0;
    while (next < total) {
      SeqInfo info{op.what, std::make_unique<SeqElements>()};
      size_t first = next;
      Status st = op.raw
                      ? RawMessage(op, s, &next, info.elems.get())
                      : ElementMessage(op, s, elems, &next, info.elems.get());
      if (!st.ok()) return st;
      if (first > 0 || next < total)
        info.what += " (elements " + std::to_string(first + 1) + "-" +
                     std::to_string(next) + " of " + std::to_string(total) +
                     ")";
      Commit(std::move(info));
    }
    return Status();
  }

  void Commit(SeqInfo info) {
    auto* nlh = reinterpret_cast<nlmsghdr*>(scratch_.data());
    std::memcpy(nftnl_batch_buffer(b_->batch_.get()), nlh, nlh->nlmsg_len);
    if (nftnl_batch_update(b_->batch_.get()) < 0) throw std::bad_alloc();
    b_->seqs_.push_back(std::move(info));
    b_->last_seq_ = seq_++;
  }

  Batch* b_;
  const BatchOptions& opt_;
  std::vector<char> scratch_;
  uint32_t seq_;
};

Result<Batch> Batch::Build(std::vector<Op> ops, const BatchOptions& opt) {
  if (opt.max_message < 1024 || opt.max_message > 65535)
    return Status::Error("max_message must be between 1024 and 65535");
  if (opt.page_size < opt.max_message)
    return Status::Error("page_size must hold at least one message");
  Batch b;
  b.batch_.reset(nftnl_batch_alloc(opt.page_size, opt.max_message + 8192));
  if (!b.batch_) throw std::bad_alloc();
  // One record per message: an object op's one, and an element op's
  // elements split over messages of up to max_message bytes (an element
  // entry takes well over 64 bytes at most rarely).
  size_t messages = ops.size() + 2;
  for (const Op& op : ops) {
    if (op.raw) messages += op.raw->size() * 64 / opt.max_message + 1;
  }
  b.seqs_.reserve(messages);
  BatchWriter w(&b, opt);
  Status st = w.Write(ops);
  if (!st.ok()) return st;
  return b;
}

}  // namespace lvsnft::netlink
