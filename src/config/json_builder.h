// Storage side of the JSON reader (not a public interface): moves the
// children of each finished container from the reader's scratch stacks
// into contiguous blocks of a Document and links them to their parents.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/json.h"

namespace lvsnft::json {

/// Fills one Document while the reader walks the input.
class Builder {
 public:
  /// Moves stack[start..] into the document as the children of `owner`
  /// (which is still on a scratch stack or is the root) and shrinks
  /// `stack` back to `start`.
  void CommitItems(std::vector<Value>& stack, size_t start, Value& owner);
  /// The same for object members.
  void CommitMembers(std::vector<Member>& stack, size_t start, Value& owner);
  /// Storage for a decoded string that starts with `prefix`.
  std::string& Decoded(std::string_view prefix);
  /// Sets the root value and hands out the finished document.
  Document Finish(const Value& root);

  /// How far the storage was filled at one moment.
  struct Mark {
    size_t item_blocks = 0, member_blocks = 0, decoded = 0;
    Value* item_next = nullptr;
    Member* member_next = nullptr;
    size_t items_left = 0, members_left = 0;
  };
  /// The storage's fill now, for Rewind.
  Mark Fill() const;
  /// Frees or reuses everything stored since `m` was taken.
  void Rewind(const Mark& m);
  /// Points the children of `v`, which stays where it is, back at it.
  static void AdoptAt(Value& v);

 private:
  template <typename T>
  void Commit(std::vector<T>& stack, size_t start, Value& owner,
              std::vector<std::unique_ptr<T[]>>& blocks, T*& next,
              size_t& left);
  template <typename T>
  T* Allocate(std::vector<std::unique_ptr<T[]>>& blocks, T*& next, size_t& left,
              size_t n);

  Document doc_;
  Value* item_next_ = nullptr;
  size_t items_left_ = 0;
  Member* member_next_ = nullptr;
  size_t members_left_ = 0;
};

}  // namespace lvsnft::json
