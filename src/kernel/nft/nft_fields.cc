#include "kernel/nft/nft_fields.h"

#include <linux/netfilter/nf_tables.h>

namespace lvsnft::netlink {
namespace {

using plan::DataType;
using plan::Field;

FieldDesc Meta(uint32_t key, uint32_t len, bool host, const char* text) {
  return {LoadKind::kMeta, key, 0, len, host, NetProto::kNone, text};
}

FieldDesc Payload(uint32_t base, uint32_t offset, uint32_t len, NetProto p,
                  const char* text) {
  return {LoadKind::kPayload, base, offset, len, false, p, text};
}

// Indexed by plan::Field; the offsets are those of nft's proto templates
// (IPv4: saddr 12, daddr 16; IPv6: saddr 8, daddr 24; th: sport 0, dport 2).
const FieldDesc kFields[] = {
    Meta(NFT_META_NFPROTO, 1, true, "meta nfproto"),
    Meta(NFT_META_PROTOCOL, 2, false, "meta protocol"),
    Meta(NFT_META_L4PROTO, 1, true, "meta l4proto"),
    Meta(NFT_META_MARK, 4, true, "meta mark"),
    {LoadKind::kCt, NFT_CT_MARK, 0, 4, true, NetProto::kNone, "ct mark"},
    Payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NetProto::kIpv4, "ip saddr"),
    Payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NetProto::kIpv4, "ip daddr"),
    Payload(NFT_PAYLOAD_NETWORK_HEADER, 8, 16, NetProto::kIpv6, "ip6 saddr"),
    Payload(NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NetProto::kIpv6, "ip6 daddr"),
    Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, NetProto::kNone, "th sport"),
    Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NetProto::kNone, "th dport"),
};

}  // namespace

const FieldDesc& FieldInfo(Field f) { return kFields[static_cast<int>(f)]; }

uint32_t NftTypeId(DataType t) {
  switch (t) {
    case DataType::kInetProto:
      return 12;  // TYPE_INET_PROTOCOL
    case DataType::kIpv4Addr:
      return 7;  // TYPE_IPADDR
    case DataType::kIpv6Addr:
      return 8;  // TYPE_IP6ADDR
    case DataType::kInetService:
      return 13;  // TYPE_INET_SERVICE
    case DataType::kMark:
      return 19;  // TYPE_MARK
  }
  return 0;
}

uint32_t NftByteorder(DataType t) {
  switch (t) {
    case DataType::kInetProto:
      return 0;  // inet_protocol_type declares no byte order.
    case DataType::kMark:
      return 1;
    case DataType::kIpv4Addr:
    case DataType::kIpv6Addr:
    case DataType::kInetService:
      return 2;
  }
  return 0;
}

uint32_t ConcatTypeId(const std::vector<DataType>& types) {
  uint32_t id = 0;
  for (DataType t : types) id = (id << 6) | NftTypeId(t);
  return id;
}

uint32_t RegisterSpace(uint32_t len) { return (len + 3) / 4; }

uint32_t WireRegister(uint32_t reg) {
  if (reg == NFT_REG_VERDICT) return reg;
  uint32_t unit = reg - NFT_REG_1;
  if (unit % 4 == 0) return NFT_REG_1 + unit / 4;
  return NFT_REG32_00 + unit;
}

}  // namespace lvsnft::netlink
