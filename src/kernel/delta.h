// Reconciliation: what must change in the kernel to go from the live
// lvsnft tables to the desired plan. Pure: no sockets.
//
// Identity of tables, sets, chains and rules is a 64-bit tag that lvsnft
// stores in each object's userdata (after nft's own comment TLV); the
// kernel returns it byte for byte, so a hand edit (a rule replaced, added
// or deleted with nft) shows up as a missing or untagged object. Elements
// are compared by their raw kernel encoding. Dynamic sets (flows,
// persistence) hold runtime state and are never diffed element-wise.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "compiler/plan.h"
#include "kernel/live.h"

namespace lvsnft::netlink {

/// Userdata TLV type carrying lvsnft's 8-byte tag (nft ignores unknown types).
inline constexpr uint8_t kTagUdataType = 0xf0;

/// Where a desired element comes from: a plan element, or one slot of a
/// compact slot table (so the plan's slot tables need no expansion into
/// plan elements to be described, reconciled and reported). Packed to 4-byte
/// alignment: 12 bytes, not 16, in each of a director's desired elements.
#pragma pack(push, 4)
class ElementOrigin {
 public:
  ElementOrigin() = default;
  /// A plan element (nullptr: none).
  ElementOrigin(const plan::Element* e) : p_(e) {}  // NOLINT: implicit
  /// Slot `slot` of slot table `t`.
  ElementOrigin(const plan::SlotTable* t, uint32_t slot) : p_(t), slot_(slot) {}
  /// True when the element has an origin.
  explicit operator bool() const { return p_ != nullptr; }
  /// The plan element, or nullptr (a slot, or no origin).
  const plan::Element* element() const {
    return slot_ == kElement ? static_cast<const plan::Element*>(p_) : nullptr;
  }
  /// Owning service ("" without an origin).
  std::string_view service() const;
  /// Owning real server ("" when none).
  std::string_view real_server() const;
  bool operator==(const ElementOrigin&) const = default;

 private:
  static constexpr uint32_t kElement = UINT32_MAX;
  const void* p_ = nullptr;
  uint32_t slot_ = kElement;
};
#pragma pack(pop)
static_assert(sizeof(ElementOrigin) == 12, "ElementOrigin: packed");

/// Element userdata: absent for almost every element, so it costs one
/// pointer and a heap block only where present. Reads like a byte vector.
class Udata {
 public:
  Udata() = default;
  /// The listed bytes.
  Udata(std::initializer_list<uint8_t> l) { assign(l.begin(), l.end()); }
  Udata(const Udata& o) { *this = o; }
  Udata(Udata&&) noexcept = default;
  Udata& operator=(const Udata& o) {
    if (this != &o) v_ = o.v_ ? std::make_unique<Bytes>(*o.v_) : nullptr;
    return *this;
  }
  Udata& operator=(Udata&&) noexcept = default;
  /// Replaces the contents with [first, last).
  void assign(const uint8_t* first, const uint8_t* last) {
    v_ = first == last ? nullptr : std::make_unique<Bytes>(first, last);
  }
  /// Replaces the contents with `n` copies of `b`.
  void assign(size_t n, uint8_t b) {
    v_ = n == 0 ? nullptr : std::make_unique<Bytes>(n, b);
  }
  bool empty() const { return v_ == nullptr; }
  size_t size() const { return v_ ? v_->size() : 0; }
  const uint8_t* data() const { return v_ ? v_->data() : nullptr; }

 private:
  using Bytes = std::vector<uint8_t>;
  std::unique_ptr<Bytes> v_;
};

/// An element in raw kernel form plus where it came from. 88 bytes: the
/// flag fills the byte after the 51 of key, key end and data.
struct RawElement {
  SmallBytes key, key_end, data;  ///< Held inline (see base/bytes.h).
  bool replaced = false;          ///< Same key, new data: deleted and re-added.
  uint32_t flags = 0;
  int verdict = INT_MIN;
  ChainName chain;
  Udata udata;             ///< Element userdata to send (not compared).
  ElementOrigin src;       ///< Desired side only.
  uint32_t src_index = 0;  ///< Index into the encoded list.
  /// Identity within a set: key, key_end and flags.
  std::string Id() const;
  /// The element as a dump would return it (no counter, no timeout).
  LiveElement ToLive() const&;
  /// The same, taking this element's bytes (it is left empty).
  LiveElement ToLive() &&;
};

/// Identity of an element within its set (raw key, key end and flags) as
/// a string, for maps keyed by it.
std::string ElementId(std::span<const uint8_t> key,
                      std::span<const uint8_t> key_end, uint32_t flags);

/// Identity of an element within its set as a view of its bytes: what the
/// reconciler hashes and compares, with no string built per element. The
/// bytes viewed must outlive the key.
struct ElementKey {
  const SmallBytes* key = nullptr;
  const SmallBytes* key_end = nullptr;
  uint32_t flags = 0;
  /// The identity of a raw or live element.
  template <typename E>
  static ElementKey Of(const E& e) {
    return {&e.key, &e.key_end, e.flags};
  }
  friend bool operator==(const ElementKey& a, const ElementKey& b) {
    return a.flags == b.flags && *a.key == *b.key && *a.key_end == *b.key_end;
  }
};

/// Hash of an ElementKey (for unordered containers).
struct ElementKeyHash {
  size_t operator()(const ElementKey& k) const;
};

/// True when a live element carries the desired data / verdict.
bool SameValue(const RawElement& want, const LiveElement& have);

/// The desired state of one table in comparable form.
struct DesiredTable {
  const plan::Table* table = nullptr;
  uint64_t tag = 0;
  std::map<std::string, uint64_t> set_tags, chain_tags;
  std::map<std::string, std::vector<uint64_t>> rule_tags;   ///< Per chain.
  std::map<std::string, std::vector<RawElement>> elements;  ///< Per set.
};

/// The entry of `desired` describing plan table `t`, or nullptr.
const DesiredTable* FindDesired(const std::vector<DesiredTable>& desired,
                                const plan::Table* t);

/// Kinds of changes, in the order they go into the batch, except that the
/// elements of sets the batch creates follow its last rule (see
/// NetlinkNft's OpBuilder: a map bound while empty is not walked).
enum class ChangeKind {
  kDelTable,  ///< Structural change or table no longer wanted.
  kAddTable,
  kAddSet,
  kAddChain,
  kDelRule,
  kDelElems,
  kAddElems,
  kAddRule,
  kDelChain,
  kDelSet,  ///< Keep last: SortChanges counts the kinds up to it.
};

/// One change. Pointers refer into the desired plan or the live tables.
struct Change {
  ChangeKind kind = ChangeKind::kAddTable;
  const plan::Table* table = nullptr;  ///< Desired table (adds).
  const LiveTable* live = nullptr;     ///< Live table (deletes).
  std::string set, chain;              ///< Object names.
  const plan::Rule* rule = nullptr;    ///< kAddRule.
  /// kAddChain: the desired chain (saves a search by name per chain).
  const plan::Chain* plan_chain = nullptr;
  uint64_t rule_tag = 0;  ///< kAddRule.
  uint64_t handle = 0;    ///< Deletes; kAddRule: insert before it.
  /// kDelRule: index of the rule in the live chain; kAddRule: index of the
  /// live rule to insert before (-1: append). Lets handles be looked up
  /// later when the live chain came from a snapshot (handles unknown).
  int live_index = -1;
  std::vector<RawElement> elements;  ///< kAddElems / kDelElems.
  /// kAddElems of every element of a desired set (a new set): that set's
  /// encoded elements, not copied (`elements` is then empty). The desired
  /// tables the delta was computed from must outlive it.
  const std::vector<RawElement>* whole_set = nullptr;
  /// The elements of the change: its own or the desired set's.
  const std::vector<RawElement>& Elements() const {
    return whole_set ? *whole_set : elements;
  }
  std::string service;  ///< Owning service, for reports.
  std::string what;     ///< Human description.
  bool stale = false;   ///< kDelElems of stale slots (see Delta::stale).
};

/// The changes for all tables, already in batch order.
struct Delta {
  std::vector<Change> changes;
  /// Slot elements no desired rule reaches (a service's slot range shrank
  /// or the service went), one kDelElems per set. Removing them in the
  /// transaction that changes the rules would refuse packets: a packet
  /// already evaluating the old rules (old `numgen mod`) looks its slot up
  /// in the newest elements (rules are versioned per packet, set contents
  /// are not). So they stay, unreachable, and a later transaction that
  /// leaves their owner's rules alone removes them: those are `collect`.
  std::vector<Change> stale;
  /// Stale slots already unreachable by the live rules, which this
  /// transaction keeps: safe to remove in it.
  std::vector<Change> collect;
  /// Nothing to change (stale slots awaiting collection aside).
  bool empty() const { return changes.empty(); }
  /// Number of stale slot elements (left and collectable).
  size_t StaleSlots() const {
    size_t n = 0;
    for (const auto* list : {&stale, &collect}) {
      for (const auto& c : *list) n += c.elements.size();
    }
    return n;
  }
};

/// Tag of a userdata blob (0 if none).
uint64_t UdataTag(const void* data, uint32_t len);

}  // namespace lvsnft::netlink
