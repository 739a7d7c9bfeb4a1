#include "kernel/nft/nft_udata.h"

#include <libnftnl/udata.h>

#include <memory>
#include <new>

#include "kernel/nft/nft_fields.h"

namespace lvsnft::netlink {
namespace {

// nft's enum expr_types value of EXPR_CONCAT (include/expression.h).
constexpr uint32_t kExprConcat = 13;
// nft's BYTEORDER_* values as stored in set userdata.
constexpr uint32_t kHostEndian = 1;
constexpr uint32_t kBigEndian = 2;

struct UdataFree {
  void operator()(nftnl_udata_buf* b) const { nftnl_udata_buf_free(b); }
};
using UdataBuf = std::unique_ptr<nftnl_udata_buf, UdataFree>;

UdataBuf NewBuf() {
  // NFT_USERDATA_MAXLEN in nft.
  UdataBuf b(nftnl_udata_buf_alloc(256));
  if (!b) throw std::bad_alloc();
  return b;
}

std::vector<uint8_t> Bytes(const UdataBuf& b) {
  auto* p = static_cast<const uint8_t*>(nftnl_udata_buf_data(b.get()));
  return std::vector<uint8_t>(p, p + nftnl_udata_buf_len(b.get()));
}

// nft declares `type A . B` keys with value expressions, which have no
// `typeof` description: nft opens the nest, records EXPR_CONCAT, fails on
// the first component and closes an empty data nest. Reproduced as is.
void PutConcatTypeof(nftnl_udata_buf* b, uint8_t type) {
  nftnl_udata* outer = nftnl_udata_nest_start(b, type);
  nftnl_udata_put_u32(b, NFTNL_UDATA_SET_TYPEOF_EXPR, kExprConcat);
  nftnl_udata* inner = nftnl_udata_nest_start(b, NFTNL_UDATA_SET_TYPEOF_DATA);
  nftnl_udata_nest_end(b, inner);
  nftnl_udata_nest_end(b, outer);
}

uint32_t Byteorder(const std::vector<plan::DataType>& types) {
  return types.size() == 1 ? NftByteorder(types[0]) : 0;
}

}  // namespace

std::vector<uint8_t> CommentUdata(uint8_t type, const std::string& comment) {
  UdataBuf b = NewBuf();
  nftnl_udata_put_strz(b.get(), type, comment.c_str());
  return Bytes(b);
}

std::vector<uint8_t> SetUdata(const plan::Set& s) {
  UdataBuf b = NewBuf();
  const bool map = s.verdict_map || !s.data.empty();
  nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_KEYBYTEORDER, Byteorder(s.key));
  if (map) {
    // A verdict has no byte order (BYTEORDER_INVALID).
    uint32_t order = s.verdict_map ? 0 : Byteorder(s.data);
    nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_DATABYTEORDER, order);
  }
  if (s.key.size() > 1) PutConcatTypeof(b.get(), NFTNL_UDATA_SET_KEY_TYPEOF);
  if (map) {
    if (s.data.size() > 1)
      PutConcatTypeof(b.get(), NFTNL_UDATA_SET_DATA_TYPEOF);
    nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_DATA_INTERVAL, 0);
  }
  if (!s.comment.empty())
    nftnl_udata_put_strz(b.get(), NFTNL_UDATA_SET_COMMENT, s.comment.c_str());
  return Bytes(b);
}

std::vector<uint8_t> AnonNatMapUdata() {
  UdataBuf b = NewBuf();
  nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_KEYBYTEORDER, kHostEndian);
  nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_DATABYTEORDER, kBigEndian);
  nftnl_udata_put_u32(b.get(), NFTNL_UDATA_SET_DATA_INTERVAL, 0);
  return Bytes(b);
}

}  // namespace lvsnft::netlink
