// Finding live objects by name; the chain name pool.
#include "kernel/live.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace lvsnft::netlink {

namespace {

// Names live in chunks that never move, so a reader needs no lock: the
// number it holds was handed out after its name was stored.
constexpr uint32_t kChunkBits = 10;
constexpr uint32_t kChunk = 1u << kChunkBits;
constexpr uint32_t kMaxChunks = 1u << 14;  // 16M names

struct NamePool {
  std::mutex mu;
  std::unordered_map<std::string_view, uint32_t> ids;  // views into chunks
  uint32_t count = 0;
  std::atomic<std::string*> chunks[kMaxChunks] = {};
};

NamePool& Pool() {
  static auto* pool = new NamePool;  // never destroyed: names outlive all
  return *pool;
}

uint32_t Intern(std::string_view name) {
  NamePool& p = Pool();
  std::lock_guard<std::mutex> lock(p.mu);
  auto it = p.ids.find(name);
  if (it != p.ids.end()) return it->second;
  uint32_t at = p.count;
  if ((at >> kChunkBits) >= kMaxChunks) std::abort();  // 16M chain names
  std::string* chunk = p.chunks[at >> kChunkBits].load();
  if (!chunk) {
    chunk = new std::string[kChunk];
    p.chunks[at >> kChunkBits].store(chunk, std::memory_order_release);
  }
  std::string& slot = chunk[at & (kChunk - 1)];
  slot.assign(name);
  ++p.count;
  return p.ids[slot] = at + 1;
}

}  // namespace

ChainName& ChainName::operator=(std::string_view name) {
  id_ = name.empty() ? 0 : Intern(name);
  return *this;
}

const std::string& ChainName::str() const {
  static const std::string* empty = new std::string;
  if (id_ == 0) return *empty;
  uint32_t at = id_ - 1;
  const std::string* chunk =
      Pool().chunks[at >> kChunkBits].load(std::memory_order_acquire);
  return chunk[at & (kChunk - 1)];
}

void DropStats(std::vector<LiveTable>& tables) {
  for (auto& t : tables) {
    for (auto& s : t.sets) std::vector<ElementStats>().swap(s.stats);
  }
}

const LiveTable* FindTable(const std::vector<LiveTable>& tables,
                           plan::TableFamily family, std::string_view name) {
  for (const auto& t : tables) {
    if (t.family == family && t.name == name) return &t;
  }
  return nullptr;
}

LiveTable* FindTable(std::vector<LiveTable>& tables, plan::TableFamily family,
                     std::string_view name) {
  const auto& all = tables;
  return const_cast<LiveTable*>(FindTable(all, family, name));
}

const LiveSet* FindSet(const LiveTable& t, std::string_view name) {
  return plan::FindNamed(t.sets, name);
}

LiveSet* FindSet(LiveTable& t, std::string_view name) {
  return const_cast<LiveSet*>(plan::FindNamed(t.sets, name));
}

const LiveChain* FindChain(const LiveTable& t, std::string_view name) {
  return plan::FindNamed(t.chains, name);
}

LiveChain* FindChain(LiveTable& t, std::string_view name) {
  return const_cast<LiveChain*>(plan::FindNamed(t.chains, name));
}

}  // namespace lvsnft::netlink
