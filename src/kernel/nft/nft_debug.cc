#include "kernel/nft/nft_debug.h"

#include <cstdio>
#include <cstdlib>
#include <new>

namespace lvsnft::netlink {
namespace {

// Runs `print` on a memory stream and returns what it wrote.
template <typename F>
std::string Capture(F print) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (f == nullptr) throw std::bad_alloc();
  print(f);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

}  // namespace

std::string DebugRule(const nftnl_rule* r) {
  return Capture([r](FILE* f) {
    nftnl_rule_fprintf(f, r, NFTNL_OUTPUT_DEFAULT, 0);
    std::fputc('\n', f);
  });
}

std::string DebugChain(const nftnl_chain* c) {
  ChainPtr copy(nftnl_chain_alloc());
  if (!copy) throw std::bad_alloc();
  nftnl_chain_set_u32(copy.get(), NFTNL_CHAIN_FAMILY,
                      nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY));
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
    nftnl_chain_set_u32(copy.get(), NFTNL_CHAIN_HOOKNUM,
                        nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
    nftnl_chain_set_s32(copy.get(), NFTNL_CHAIN_PRIO,
                        nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO));
    nftnl_chain_set_str(copy.get(), NFTNL_CHAIN_TYPE,
                        nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
  }
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
    nftnl_chain_set_str(copy.get(), NFTNL_CHAIN_DEV,
                        nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
  return Capture([&copy](FILE* f) {
    nftnl_chain_fprintf(f, copy.get(), NFTNL_OUTPUT_DEFAULT, 0);
    std::fputc('\n', f);
  });
}

std::string DebugSet(const nftnl_set* s) {
  return Capture([s](FILE* f) {
    nftnl_set_fprintf(f, s, NFTNL_OUTPUT_DEFAULT, 0);
    std::fputc('\n', f);
  });
}

std::string DebugElements(const nftnl_set* s) {
  // The declaration printer lists attached elements after the header.
  return DebugSet(s);
}

}  // namespace lvsnft::netlink
