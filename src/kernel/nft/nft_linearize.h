// Expression emitter with nft 1.0.6's register allocation.
//
// nft counts registers in 32-bit units starting at NFT_REG_1 (= 1): a
// scalar expression takes a whole 16-byte register (4 units), a
// concatenation takes one unit per 4 bytes of each padded component.
// Registers are released in reverse order after every statement, so each
// statement starts again at the lowest free unit. On the wire a unit that
// starts a 16-byte register is sent as NFT_REG_1..4, any other unit as
// NFT_REG32_xx (see WireRegister).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan.h"
#include "kernel/nft/nft_fields.h"
#include "kernel/nft/nft_handle.h"

namespace lvsnft::netlink {

/// A named set as a rule references it.
struct SetRef {
  /// Plain set, map with data, or verdict map.
  enum class Kind { kSet, kMap, kVmap };
  std::string name;       ///< Set name ("__map%d" for anonymous maps).
  uint32_t id = 0;        ///< NFTA_SET_ID (set created in the same batch).
  bool interval = false;  ///< Interval sets take big-endian keys.
  Kind kind = Kind::kSet;
  uint32_t key_len = 0;   ///< Declared key length in bytes.
  uint32_t data_len = 0;  ///< Declared data length in bytes (maps).
};

/// Units of a (possibly concatenated) key in registers: a single field
/// takes a whole 16-byte register, a concatenation its padded length.
uint32_t KeyUnits(const plan::Key& key);

/// Byte length of a key as nft computes it: the field length for a single
/// field, the padded sum for a concatenation.
uint32_t KeyLen(const plan::Key& key);

/// Appends expressions to one rule, allocating registers as nft does.
class Linearizer {
 public:
  /// Emits into `rule`, which keeps ownership of the expressions.
  explicit Linearizer(nftnl_rule* rule) : rule_(rule) {}

  /// Allocates `units` 32-bit units; returns the first (internal number).
  uint32_t Get(uint32_t units);
  /// Releases the last `units` allocated units.
  void Release(uint32_t units);

  /// Loads `key` into consecutive units from `dreg`. For interval sets
  /// host-order integers are converted to big endian (nft's byteorder).
  void Key(const plan::Key& key, uint32_t dreg, bool interval);
  /// Loads one field (and applies its mask) into `dreg`.
  void Field(const plan::FieldRef& f, uint32_t dreg);

  /// cmp eq `sreg` `data`.
  void CmpEq(uint32_t sreg, const std::vector<uint8_t>& data);
  /// immediate `data` -> `dreg`.
  void Immediate(uint32_t dreg, const std::vector<uint8_t>& data);
  /// immediate verdict -> reg 0.
  void Verdict(const plan::Verdict& v);
  /// lookup `sreg` in `set`; with `dreg` for maps (0 = verdict map).
  void Lookup(uint32_t sreg, std::optional<uint32_t> dreg, const SetRef& set);
  /// numgen inc|random mod `mod` offset `offset` -> `dreg`.
  void Numgen(uint32_t dreg, bool random, uint32_t mod, uint32_t offset);
  /// jhash of `len` bytes at `sreg` -> `dreg`.
  void Jhash(uint32_t sreg, uint32_t len, uint32_t dreg, const plan::Jhash& h);
  /// meta mark / ct mark set `sreg` (`target` is kMetaMark or kCtMark).
  void SetMark(plan::Field target, uint32_t sreg);
  /// dynset update `sreg` into `set`, optional per-element timeout (ms).
  void DynsetUpdate(uint32_t sreg, const SetRef& set, uint64_t timeout_ms);
  /// nat snat|dnat with address (and port) registers; a port register
  /// sets the proto-specified flag, as nft does.
  void Nat(plan::NatKind kind, IpFamily fam, uint32_t addr_reg,
           std::optional<uint32_t> proto_reg);
  /// masquerade.
  void Masq();
  /// fwd to the device index at `dev_reg` and next hop at `addr_reg`.
  void Fwd(uint32_t dev_reg, uint32_t addr_reg, IpFamily fam);
  /// counter.
  void Counter();

 private:
  nftnl_expr* Add(const char* name);
  void Reg(nftnl_expr* e, uint16_t attr, uint32_t reg);
  void Hton(uint32_t reg, uint32_t len, uint32_t size);

  nftnl_rule* rule_;
  uint32_t reg_low_ = 1;  // NFT_REG_1
};

}  // namespace lvsnft::netlink
