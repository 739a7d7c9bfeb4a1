#include "kernel/nft/nft_linearize.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

#include <stdexcept>

namespace lvsnft::netlink {

uint32_t KeyUnits(const plan::Key& key) {
  if (key.size() == 1) return 4;
  uint32_t units = 0;
  for (const auto& f : key) units += RegisterSpace(FieldInfo(f.field).len);
  return units;
}

uint32_t KeyLen(const plan::Key& key) {
  if (key.size() == 1) return FieldInfo(key[0].field).len;
  return KeyUnits(key) * 4;
}

uint32_t Linearizer::Get(uint32_t units) {
  // nft aborts (BUG) beyond NFT_REG32_15; the plan vocabulary cannot reach
  // it (at most 5 key fields), so this is a programming error.
  if (reg_low_ + units > 1 + 16) throw std::logic_error("out of registers");
  uint32_t reg = reg_low_;
  reg_low_ += units;
  return reg;
}

void Linearizer::Release(uint32_t units) { reg_low_ -= units; }

nftnl_expr* Linearizer::Add(const char* name) {
  nftnl_expr* e = nftnl_expr_alloc(name);
  if (e == nullptr) throw std::bad_alloc();
  nftnl_rule_add_expr(rule_, e);
  return e;
}

void Linearizer::Reg(nftnl_expr* e, uint16_t attr, uint32_t reg) {
  nftnl_expr_set_u32(e, attr, WireRegister(reg));
}

void Linearizer::Field(const plan::FieldRef& f, uint32_t dreg) {
  const FieldDesc& d = FieldInfo(f.field);
  nftnl_expr* e = nullptr;
  switch (d.kind) {
    case LoadKind::kMeta:
      e = Add("meta");
      Reg(e, NFTNL_EXPR_META_DREG, dreg);
      nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, d.key);
      break;
    case LoadKind::kCt:
      e = Add("ct");
      Reg(e, NFTNL_EXPR_CT_DREG, dreg);
      nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, d.key);
      break;
    case LoadKind::kPayload:
      e = Add("payload");
      Reg(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, d.key);
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, d.offset);
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, d.len);
      break;
  }
  if (f.mask.empty()) return;
  // `FIELD & MASK`: nft's binop, a boolean bitwise with a zero xor.
  std::vector<uint8_t> zero(f.mask.size(), 0);
  e = Add("bitwise");
  Reg(e, NFTNL_EXPR_BITWISE_SREG, dreg);
  Reg(e, NFTNL_EXPR_BITWISE_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_OP, NFT_BITWISE_BOOL);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, f.mask.size());
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, f.mask.data(), f.mask.size());
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero.data(), zero.size());
}

void Linearizer::Hton(uint32_t reg, uint32_t len, uint32_t size) {
  nftnl_expr* e = Add("byteorder");
  Reg(e, NFTNL_EXPR_BYTEORDER_SREG, reg);
  Reg(e, NFTNL_EXPR_BYTEORDER_DREG, reg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, len);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, size);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
}

void Linearizer::Key(const plan::Key& key, uint32_t dreg, bool interval) {
  const bool concat = key.size() > 1;
  for (const auto& f : key) {
    const FieldDesc& d = FieldInfo(f.field);
    Field(f, dreg);
    // nft's byteorder_conversion(): a concatenation converts every
    // host-order component (even 1-byte ones, a no-op the kernel still
    // runs); a single key only when it is at least 2 bytes long.
    if (interval && d.host_order && (concat || d.len >= 2)) {
      uint32_t bits = d.len * 8;
      Hton(dreg, d.len, bits % 64 == 0 ? 8 : bits % 32 == 0 ? 4 : 2);
    }
    dreg += RegisterSpace(d.len);
  }
}

void Linearizer::CmpEq(uint32_t sreg, const std::vector<uint8_t>& data) {
  nftnl_expr* e = Add("cmp");
  Reg(e, NFTNL_EXPR_CMP_SREG, sreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data.data(), data.size());
}

void Linearizer::Immediate(uint32_t dreg, const std::vector<uint8_t>& data) {
  nftnl_expr* e = Add("immediate");
  Reg(e, NFTNL_EXPR_IMM_DREG, dreg);
  nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data.data(), data.size());
}

void Linearizer::Verdict(const plan::Verdict& v) {
  nftnl_expr* e = Add("immediate");
  Reg(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  int code = NF_ACCEPT;
  switch (v.kind) {
    case plan::VerdictKind::kAccept:
      code = NF_ACCEPT;
      break;
    case plan::VerdictKind::kDrop:
      code = NF_DROP;
      break;
    case plan::VerdictKind::kJump:
      code = NFT_JUMP;
      break;
    case plan::VerdictKind::kGoto:
      code = NFT_GOTO;
      break;
    case plan::VerdictKind::kReturn:
      code = NFT_RETURN;
      break;
  }
  if (v.kind == plan::VerdictKind::kJump || v.kind == plan::VerdictKind::kGoto)
    nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, v.chain.c_str());
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, static_cast<uint32_t>(code));
}

void Linearizer::Lookup(uint32_t sreg, std::optional<uint32_t> dreg,
                        const SetRef& set) {
  nftnl_expr* e = Add("lookup");
  Reg(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
  if (dreg) Reg(e, NFTNL_EXPR_LOOKUP_DREG, *dreg);
  nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set.name.c_str());
  nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set.id);
}

void Linearizer::Numgen(uint32_t dreg, bool random, uint32_t mod,
                        uint32_t offset) {
  nftnl_expr* e = Add("numgen");
  Reg(e, NFTNL_EXPR_NG_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE,
                     random ? NFT_NG_RANDOM : NFT_NG_INCREMENTAL);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, mod);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, offset);
}

void Linearizer::Jhash(uint32_t sreg, uint32_t len, uint32_t dreg,
                       const plan::Jhash& h) {
  nftnl_expr* e = Add("hash");
  Reg(e, NFTNL_EXPR_HASH_SREG, sreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_LEN, len);
  Reg(e, NFTNL_EXPR_HASH_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_MODULUS, h.mod);
  // Always sent: without NFTA_HASH_SEED the kernel picks a random seed,
  // and directors must agree on the hash (nft sends it when `seed` is
  // written, which lvsnft's text renderer must therefore always do).
  nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_SEED, h.seed);
  nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_OFFSET, h.offset);
  nftnl_expr_set_u32(e, NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
}

void Linearizer::SetMark(plan::Field target, uint32_t sreg) {
  const FieldDesc& d = FieldInfo(target);
  bool ct = d.kind == LoadKind::kCt;
  nftnl_expr* e = Add(ct ? "ct" : "meta");
  uint16_t sreg_attr =
      ct ? uint16_t{NFTNL_EXPR_CT_SREG} : uint16_t{NFTNL_EXPR_META_SREG};
  uint16_t key_attr =
      ct ? uint16_t{NFTNL_EXPR_CT_KEY} : uint16_t{NFTNL_EXPR_META_KEY};
  Reg(e, sreg_attr, sreg);
  nftnl_expr_set_u32(e, key_attr, d.key);
}

void Linearizer::DynsetUpdate(uint32_t sreg, const SetRef& set,
                              uint64_t timeout_ms) {
  nftnl_expr* e = Add("dynset");
  Reg(e, NFTNL_EXPR_DYNSET_SREG_KEY, sreg);
  if (timeout_ms > 0)
    nftnl_expr_set_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT, timeout_ms);
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
  nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set.name.c_str());
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SET_ID, set.id);
}

void Linearizer::Nat(plan::NatKind kind, IpFamily fam, uint32_t addr_reg,
                     std::optional<uint32_t> proto_reg) {
  nftnl_expr* e = Add("nat");
  uint32_t type = kind == plan::NatKind::kSnat ? NFT_NAT_SNAT : NFT_NAT_DNAT;
  uint32_t nfproto = fam == IpFamily::kV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, nfproto);
  Reg(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, addr_reg);
  if (proto_reg) {
    // nft sets the flag for a port given apart from the address; without a
    // port it sends no flags (the kernel derives MAP_IPS itself).
    Reg(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, *proto_reg);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
  }
}

void Linearizer::Masq() { Add("masq"); }

void Linearizer::Fwd(uint32_t dev_reg, uint32_t addr_reg, IpFamily fam) {
  nftnl_expr* e = Add("fwd");
  Reg(e, NFTNL_EXPR_FWD_SREG_DEV, dev_reg);
  Reg(e, NFTNL_EXPR_FWD_SREG_ADDR, addr_reg);
  uint32_t nfproto = fam == IpFamily::kV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
  nftnl_expr_set_u32(e, NFTNL_EXPR_FWD_NFPROTO, nfproto);
}

void Linearizer::Counter() { Add("counter"); }

}  // namespace lvsnft::netlink
