#include "config/json_builder.h"

#include <algorithm>

namespace lvsnft::json {
namespace {

/// Children per shared block; larger containers get a block of their own.
constexpr size_t kBlock = 4096;
/// The first shared blocks are smaller, doubling up to kBlock: a small
/// document (one services[] entry read on its own) stays small.
constexpr size_t kFirstBlock = 64;

/// The children of `v` now live at their final address: point their own
/// children back at it.
void Adopt(Value& v) {
  for (const Value& c : v.items()) const_cast<Value&>(c).parent = &v;
  for (const Member& m : v.members()) {
    const_cast<Member&>(m).value.parent = &v;
  }
}
void Adopt(Member& m) { Adopt(m.value); }

}  // namespace

template <typename T>
T* Builder::Allocate(std::vector<std::unique_ptr<T[]>>& blocks, T*& next,
                     size_t& left, size_t n) {
  if (n > kBlock / 4) {
    // A large container gets an exact block; the shared one stays open.
    blocks.push_back(std::make_unique<T[]>(n));
    return blocks.back().get();
  }
  if (n > left) {
    size_t size = std::max(
        n, std::min(kBlock, kFirstBlock << std::min<size_t>(blocks.size(), 6)));
    blocks.push_back(std::make_unique<T[]>(size));
    next = blocks.back().get();
    left = size;
  }
  T* out = next;
  next += n;
  left -= n;
  return out;
}

template <typename T>
void Builder::Commit(std::vector<T>& stack, size_t start, Value& owner,
                     std::vector<std::unique_ptr<T[]>>& blocks, T*& next,
                     size_t& left) {
  size_t n = stack.size() - start;
  owner.count = static_cast<uint32_t>(n);
  if (n == 0) return;
  T* out = Allocate(blocks, next, left, n);
  std::copy(stack.begin() + start, stack.end(), out);
  stack.resize(start);
  for (size_t i = 0; i < n; ++i) Adopt(out[i]);
  owner.kids = out;
}

void Builder::CommitItems(std::vector<Value>& stack, size_t start,
                          Value& owner) {
  Commit(stack, start, owner, doc_.item_blocks_, item_next_, items_left_);
}

void Builder::CommitMembers(std::vector<Member>& stack, size_t start,
                            Value& owner) {
  Commit(stack, start, owner, doc_.member_blocks_, member_next_, members_left_);
}

std::string& Builder::Decoded(std::string_view prefix) {
  return doc_.decoded_.emplace_back(prefix);
}

Builder::Mark Builder::Fill() const {
  return {doc_.item_blocks_.size(),
          doc_.member_blocks_.size(),
          doc_.decoded_.size(),
          item_next_,
          member_next_,
          items_left_,
          members_left_};
}

void Builder::Rewind(const Mark& m) {
  doc_.item_blocks_.resize(m.item_blocks);
  doc_.member_blocks_.resize(m.member_blocks);
  doc_.decoded_.resize(m.decoded);
  item_next_ = m.item_next;
  member_next_ = m.member_next;
  items_left_ = m.items_left;
  members_left_ = m.members_left;
}

void Builder::AdoptAt(Value& v) { Adopt(v); }

Document Builder::Finish(const Value& root) {
  *doc_.root_ = root;
  Adopt(*doc_.root_);
  return std::move(doc_);
}

}  // namespace lvsnft::json
