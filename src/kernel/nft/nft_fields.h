// What nft 1.0.6 knows about the fields and data types lvsnft uses: how a
// field is loaded, its length and byte order, the network protocol it
// depends on, and the nft datatype numbers written into set declarations.
#pragma once

#include <cstdint>

#include "compiler/plan.h"

namespace lvsnft::netlink {

/// Which expression loads a field into a register.
enum class LoadKind { kMeta, kCt, kPayload };

/// Network protocol a field needs to be meaningful.
enum class NetProto { kNone, kIpv4, kIpv6 };

/// Load recipe and properties of one plan::Field.
struct FieldDesc {
  LoadKind kind = LoadKind::kMeta;
  uint32_t key = 0;     ///< NFT_META_* / NFT_CT_* key, or NFT_PAYLOAD_* base.
  uint32_t offset = 0;  ///< Payload offset in bytes.
  uint32_t len = 0;     ///< Length in bytes (unpadded).
  bool host_order = false;           ///< nft BYTEORDER_HOST_ENDIAN integer.
  NetProto needs = NetProto::kNone;  ///< Implicit network dependency.
  const char* text = "";             ///< nft spelling, for messages.
};

/// The descriptor of `f`.
const FieldDesc& FieldInfo(plan::Field f);

/// nft datatype number (TYPE_MARK = 19, ...) as sent in NFTA_SET_KEY_TYPE.
uint32_t NftTypeId(plan::DataType t);

/// nft byte order of a datatype as written in the set userdata
/// (0 = invalid/none, 1 = host endian, 2 = big endian).
uint32_t NftByteorder(plan::DataType t);

/// nft's NFTA_SET_KEY_TYPE for a (possibly concatenated) key: each type
/// shifted in by 6 bits, first type in the highest bits.
uint32_t ConcatTypeId(const std::vector<plan::DataType>& types);

/// Number of 32-bit register units `len` bytes occupy (padding included).
uint32_t RegisterSpace(uint32_t len);

/// nft's register numbering on the wire: a unit index that starts a
/// 128-bit register is sent as NFT_REG_1..4, any other as NFT_REG32_xx.
/// `reg` counts 32-bit units from NFT_REG_1 (= 1); 0 is the verdict.
uint32_t WireRegister(uint32_t reg);

}  // namespace lvsnft::netlink
