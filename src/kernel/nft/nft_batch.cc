#include "kernel/nft/nft_batch.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace lvsnft::netlink {
namespace {

template <typename T>
std::unique_ptr<T, NftnlFree> Alloc(T* p) {
  if (p == nullptr) throw std::bad_alloc();
  return std::unique_ptr<T, NftnlFree>(p);
}

Op Make(OpKind k, decltype(Op::object) obj, std::string what,
        std::vector<std::string> element_what = {}) {
  Op op;
  op.kind = k;
  op.object = std::move(obj);
  op.what = std::move(what);
  op.element_what = std::move(element_what);
  return op;
}

std::string TableText(const TableId& t) {
  return std::string(plan::FamilyKeyword(t.family)) + " " + t.name;
}

ChainPtr ChainRef(const TableId& t, const std::string& name) {
  ChainPtr c = Alloc(nftnl_chain_alloc());
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, Nfproto(t.family));
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, t.name.c_str());
  if (!name.empty())
    nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, name.c_str());
  return c;
}

}  // namespace

Op AddTable(TablePtr t, std::string what) {
  return Make(OpKind::kAddTable, std::move(t), std::move(what));
}
Op AddChain(ChainPtr c, std::string what) {
  return Make(OpKind::kAddChain, std::move(c), std::move(what));
}
Op AddSet(SetPtr s, std::string what) {
  return Make(OpKind::kAddSet, std::move(s), std::move(what));
}
Op AddElements(SetPtr s, std::string what,
               std::vector<std::string> element_what) {
  return Make(OpKind::kAddElements, std::move(s), std::move(what),
              std::move(element_what));
}
Op AddRule(RulePtr r, std::string what) {
  return Make(OpKind::kAddRule, std::move(r), std::move(what));
}

std::shared_ptr<const std::vector<RawElement>> Borrow(
    const std::vector<RawElement>& elems) {
  // Aliasing an empty owner: shares the pointer, owns nothing.
  return std::shared_ptr<const std::vector<RawElement>>(
      std::shared_ptr<const void>(), &elems);
}

Op AddRawElements(SetPtr s, std::string what,
                  std::shared_ptr<const std::vector<RawElement>> elems) {
  Op op = Make(OpKind::kAddElements, std::move(s), std::move(what));
  op.raw = std::move(elems);
  return op;
}

Op DeleteRawElements(SetPtr s, std::string what,
                     std::shared_ptr<const std::vector<RawElement>> elems) {
  Op op = Make(OpKind::kDelElements, std::move(s), std::move(what));
  op.raw = std::move(elems);
  return op;
}

std::string OwnerText(const std::string& service, const std::string& rs) {
  std::string out;
  if (!service.empty()) out = "service " + service;
  if (!rs.empty()) out += (out.empty() ? "" : ", ") + ("real server " + rs);
  return out;
}

Op DeleteTable(const TableId& t, uint64_t handle) {
  TablePtr p = Alloc(nftnl_table_alloc());
  nftnl_table_set_u32(p.get(), NFTNL_TABLE_FAMILY, Nfproto(t.family));
  if (handle != 0)
    nftnl_table_set_u64(p.get(), NFTNL_TABLE_HANDLE, handle);
  else
    nftnl_table_set_str(p.get(), NFTNL_TABLE_NAME, t.name.c_str());
  return Make(OpKind::kDelTable, std::move(p), "delete table " + TableText(t));
}

Op DeleteChain(const TableId& t, const std::string& name, uint64_t handle) {
  ChainPtr c = ChainRef(t, handle != 0 ? "" : name);
  if (handle != 0) nftnl_chain_set_u64(c.get(), NFTNL_CHAIN_HANDLE, handle);
  return Make(OpKind::kDelChain, std::move(c),
              "delete chain " + TableText(t) + " " + name);
}

Op DeleteSet(const TableId& t, const std::string& name, uint64_t handle) {
  SetPtr s = SetHandle(t, name, 0);
  if (handle != 0) {
    nftnl_set_unset(s.get(), NFTNL_SET_NAME);
    nftnl_set_set_u64(s.get(), NFTNL_SET_HANDLE, handle);
  }
  return Make(OpKind::kDelSet, std::move(s),
              "delete set " + TableText(t) + " " + name);
}

Op DeleteElements(SetPtr s, std::string what,
                  std::vector<std::string> element_what) {
  return Make(OpKind::kDelElements, std::move(s), std::move(what),
              std::move(element_what));
}

Op DeleteRule(const TableId& t, const std::string& chain, uint64_t handle) {
  RulePtr r = Alloc(nftnl_rule_alloc());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, Nfproto(t.family));
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, t.name.c_str());
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain.c_str());
  nftnl_rule_set_u64(r.get(), NFTNL_RULE_HANDLE, handle);
  return Make(OpKind::kDelRule, std::move(r),
              "delete rule " + TableText(t) + " " + chain + " handle " +
                  std::to_string(handle));
}

Op FlushChain(const TableId& t, const std::string& chain) {
  RulePtr r = Alloc(nftnl_rule_alloc());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, Nfproto(t.family));
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, t.name.c_str());
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain.c_str());
  return Make(OpKind::kFlushChain, std::move(r),
              "flush chain " + TableText(t) + " " + chain);
}

void Batch::Free::operator()(nftnl_batch* b) const { nftnl_batch_free(b); }

Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;
Batch::~Batch() = default;

std::vector<iovec> Batch::Iovecs() const {
  std::vector<iovec> iov(nftnl_batch_iovec_len(batch_.get()));
  nftnl_batch_iovec(batch_.get(), iov.data(), iov.size());
  return iov;
}

std::vector<uint8_t> Batch::Bytes() const {
  std::vector<uint8_t> out;
  for (const iovec& v : Iovecs()) {
    const auto* p = static_cast<const uint8_t*>(v.iov_base);
    out.insert(out.end(), p, p + v.iov_len);
  }
  return out;
}

std::string Batch::MessageText(uint32_t seq,
                               std::optional<uint32_t> offset) const {
  const SeqInfo* seq_info = Seq(seq);
  if (!seq_info)
    return "message with unknown sequence number " + std::to_string(seq);
  const SeqInfo& info = *seq_info;
  if (!offset || !info.elems) return info.what;
  const SeqElements& el = *info.elems;
  // The last element whose attribute starts at or before the offset.
  const std::string* best = nullptr;
  for (const auto& [at, what] : el.elements)
    if (at <= *offset) best = &what;
  std::string raw_owner;
  if (el.raw) {
    auto after =
        std::upper_bound(el.raw_offsets.begin(), el.raw_offsets.end(), *offset);
    size_t n = static_cast<size_t>(after - el.raw_offsets.begin());
    ElementOrigin src =
        n == 0 ? ElementOrigin() : (*el.raw)[el.raw_first + n - 1].src;
    if (src)
      raw_owner =
          OwnerText(std::string(src.service()), std::string(src.real_server()));
    best = &raw_owner;
  }
  // Elements lvsnft did not describe (e.g. nft's leading interval end).
  if (best == nullptr || best->empty()) return info.what;
  return info.what + ": " + *best;
}

}  // namespace lvsnft::netlink
