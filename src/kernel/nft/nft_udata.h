// Userdata blobs nft 1.0.6 attaches to tables, chains, rules and sets.
//
// The kernel stores userdata byte for byte; nft reads it back to print
// comments and set key types, so lvsnft writes exactly what nft writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/plan.h"

namespace lvsnft::netlink {

/// nft's limit on comment length (NFTNL_UDATA_COMMENT_MAXLEN).
inline constexpr size_t kMaxCommentLen = 128;

/// A single NUL-terminated comment attribute of type `type`
/// (NFTNL_UDATA_{TABLE,CHAIN,RULE}_COMMENT are all 0).
std::vector<uint8_t> CommentUdata(uint8_t type, const std::string& comment);

/// The userdata nft writes for a named set declared with `type`:
/// key byte order, data byte order (maps), an empty `typeof` description
/// marking concatenations, the data-interval flag (maps) and the comment.
std::vector<uint8_t> SetUdata(const plan::Set& s);

/// The userdata of nft's anonymous map `numgen ... map { N : ADDR }`:
/// host-order integer key, big-endian address data.
std::vector<uint8_t> AnonNatMapUdata();

}  // namespace lvsnft::netlink
