// An nftables transaction as netlink messages: BATCH_BEGIN, one message
// per operation, BATCH_END, laid out in libnftnl batch pages.
//
// Pure: building a batch sends nothing; the pages are plain memory to be
// handed to one sendmsg (one skb = one transaction). Every message gets
// its own sequence number, recorded with a description of the object so a
// kernel error (which names the seq, and with NETLINK_EXT_ACK the offset
// of the offending attribute) can be reported as "which service, which
// real server".
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "kernel/delta.h"
#include "kernel/nft/nft_handle.h"
#include "kernel/nft/nft_objects.h"

struct nftnl_batch;

namespace lvsnft::netlink {

/// What an operation does.
enum class OpKind {
  kAddTable,     ///< NEWTABLE.
  kAddChain,     ///< NEWCHAIN.
  kAddSet,       ///< The declaration only; elements are kAddElements.
  kAddElements,  ///< The elements attached to the set object.
  kAddRule,      ///< NEWRULE (append).
  kDelTable,     ///< DELTABLE.
  kDelChain,     ///< DELCHAIN.
  kDelSet,       ///< DELSET.
  kDelElements,  ///< DELSETELEM.
  kDelRule,      ///< DELRULE with a handle.
  kFlushChain,   ///< Delete every rule of a chain.
};

/// One operation of a transaction, owning its libnftnl object.
struct Op {
  OpKind kind = OpKind::kAddTable;  ///< What the message does.
  /// The object the message carries (a set with elements for element ops).
  std::variant<TablePtr, ChainPtr, SetPtr, RulePtr> object;
  std::string what;  ///< Description used in error messages.
  /// Element operations: optional description of each element attached to
  /// the set object, in order (e.g. "service web, real server 10.0.0.1").
  std::vector<std::string> element_what;
  /// Element operations from raw elements, encoded straight into the
  /// pages (no libnftnl element objects); the set object then only names
  /// the set. Shared with the batch, which names elements from their
  /// plan source in error messages.
  std::shared_ptr<const std::vector<RawElement>> raw;
};

/// "service S, real server R" (either part may be missing): the owner of
/// an element or rule in error messages.
std::string OwnerText(const std::string& service, const std::string& rs = "");

/// Raw elements for an Op, not owned: `elems` (and the plan elements they
/// come from) must outlive the Batch built from the Op.
std::shared_ptr<const std::vector<RawElement>> Borrow(
    const std::vector<RawElement>& elems);

/// Adds a table (NEWTABLE, no flags: like `nft add table`).
Op AddTable(TablePtr t, std::string what);
/// Adds a chain (NEWCHAIN, NLM_F_CREATE).
Op AddChain(ChainPtr c, std::string what);
/// Declares a set (NEWSET, NLM_F_CREATE); its elements are not sent.
Op AddSet(SetPtr s, std::string what);
/// Adds the elements attached to `s` (NEWSETELEM, NLM_F_CREATE), split
/// over as many messages as needed.
Op AddElements(SetPtr s, std::string what,
               std::vector<std::string> element_what = {});
/// Appends a rule (NEWRULE, NLM_F_CREATE | NLM_F_APPEND).
Op AddRule(RulePtr r, std::string what);
/// Adds raw elements to the set `s` names (NEWSETELEM, NLM_F_CREATE),
/// split over as many messages as needed.
Op AddRawElements(SetPtr s, std::string what,
                  std::shared_ptr<const std::vector<RawElement>> elems);
/// Deletes raw elements (keys, key ends and flags only) from the set `s`
/// names (DELSETELEM).
Op DeleteRawElements(SetPtr s, std::string what,
                     std::shared_ptr<const std::vector<RawElement>> elems);
/// Deletes a table by name, or by handle when `handle` is not 0.
Op DeleteTable(const TableId& t, uint64_t handle = 0);
/// Deletes a chain by name, or by handle when `handle` is not 0.
Op DeleteChain(const TableId& t, const std::string& name, uint64_t handle = 0);
/// Deletes a set by name, or by handle when `handle` is not 0.
Op DeleteSet(const TableId& t, const std::string& name, uint64_t handle = 0);
/// Deletes the elements attached to `s` (keys as built for adding).
Op DeleteElements(SetPtr s, std::string what,
                  std::vector<std::string> element_what = {});
/// Deletes the rule `handle` of `chain`.
Op DeleteRule(const TableId& t, const std::string& chain, uint64_t handle);
/// Deletes every rule of `chain` (DELRULE without handle).
Op FlushChain(const TableId& t, const std::string& chain);

/// How to lay out a batch.
struct BatchOptions {
  uint32_t first_seq = 1;         ///< Seq of BATCH_BEGIN; then +1 each.
  std::optional<uint32_t> genid;  ///< NFNL_BATCH_GENID in BATCH_BEGIN.
  bool ack = false;    ///< NLM_F_ACK on object messages (not BEGIN/END).
  bool commit = true;  ///< false: no BATCH_END (kernel checks, applies
                       ///< nothing, as `nft -c`).
  uint32_t max_message = 65535;   ///< Upper bound of one message (bytes).
  uint32_t page_size = 2u << 20;  ///< libnftnl batch page size.
};

/// The elements an element message carries, for naming the offending one.
struct SeqElements {
  /// Offset of each element's attribute in the message and its
  /// description (only when the operation described elements).
  std::vector<std::pair<uint32_t, std::string>> elements;
  /// Raw element messages: the op's elements, the index of the message's
  /// first one, and the offset of each one's list entry in the message.
  std::shared_ptr<const std::vector<RawElement>> raw;
  size_t raw_first = 0;               ///< Index of the first element sent.
  std::vector<uint32_t> raw_offsets;  ///< Entry offsets, in order.
};

/// What a sequence number stands for.
struct SeqInfo {
  std::string what;  ///< The operation's description.
  /// Element messages only: most messages carry one object, and a record
  /// of 40 bytes each (not 104) keeps a 10k-service batch's table small.
  std::unique_ptr<SeqElements> elems;
};

/// A built transaction.
class Batch {
 public:
  /// Lays `ops` out as messages. Errors: invalid options, an object or
  /// element larger than `max_message`.
  static Result<Batch> Build(std::vector<Op> ops, const BatchOptions& opt);

  /// Movable, not copyable (owns the pages).
  Batch(Batch&&) noexcept;
  /// Move assignment.
  Batch& operator=(Batch&&) noexcept;
  /// Frees the pages.
  ~Batch();

  /// One iovec per page, for a single sendmsg; valid while *this lives.
  std::vector<iovec> Iovecs() const;
  /// All pages as one contiguous buffer.
  std::vector<uint8_t> Bytes() const;
  /// Sequence number of BATCH_BEGIN.
  uint32_t begin_seq() const { return begin_seq_; }
  /// Sequence number of the last message (BATCH_END when committing).
  uint32_t last_seq() const { return last_seq_; }
  /// What the message `seq` does (BEGIN/END included), or nullptr when
  /// the batch has no such message.
  const SeqInfo* Seq(uint32_t seq) const {
    return seq >= begin_seq_ && seq - begin_seq_ < seqs_.size()
               ? &seqs_[seq - begin_seq_]
               : nullptr;
  }
  /// Number of messages (BEGIN/END included).
  size_t messages() const { return seqs_.size(); }
  /// Human description of the message `seq`, made precise with the
  /// offset of the failing attribute when the kernel reported one.
  std::string MessageText(uint32_t seq,
                          std::optional<uint32_t> offset = {}) const;

 private:
  struct Free {
    void operator()(nftnl_batch* b) const;
  };
  Batch() = default;
  std::unique_ptr<nftnl_batch, Free> batch_;
  std::vector<SeqInfo> seqs_;  ///< Per message, from begin_seq_ on.
  uint32_t begin_seq_ = 0;
  uint32_t last_seq_ = 0;
  friend class BatchWriter;
};

}  // namespace lvsnft::netlink
