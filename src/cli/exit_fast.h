// One-shot commands exit right after their work: freeing a large plan,
// config and kernel snapshot object by object at that point costs more
// than some of the work itself (10k services: ~10% of an apply), and the
// operating system takes the whole address space back anyway.
#pragma once

#include <utility>

namespace lvsnft::cli {

/// Takes `obj` over and never frees it: the process is about to exit.
/// Only for the last act of a one-shot command, never in a library (a
/// resident process would leak). Under AddressSanitizer it is freed as
/// usual, so the leak checker stays meaningful.
template <typename T>
void FreeAtExit(T& obj) {
#if defined(__SANITIZE_ADDRESS__)
  (void)obj;
#else
  new T(std::move(obj));  // NOLINT: deliberately never deleted
#endif
}

}  // namespace lvsnft::cli
