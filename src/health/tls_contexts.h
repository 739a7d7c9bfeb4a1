// The TLS client contexts of the https probes: one per distinct
// (verify, ca_file, client_cert, client_key), its files read once when the
// first probe needs it and kept until Clear (the daemon clears on a config
// reload, so an edited CA bundle or a renewed client certificate is read
// again without a restart).
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "base/status.h"
#include "health/check_spec.h"

struct ssl_ctx_st;

namespace lvsnft::health {

/// Cache of SSL_CTX objects shared by every https probe of an engine.
class TlsContexts {
 public:
  TlsContexts() = default;
  ~TlsContexts();
  TlsContexts(const TlsContexts&) = delete;
  TlsContexts& operator=(const TlsContexts&) = delete;

  /// The context for `spec` (loaded now if it is not cached), or why its
  /// files did not load ("ca_file /x: cannot load"). A failure is cached
  /// too, until Clear. The context stays valid while an SSL made from it
  /// lives (SSL_new holds a reference), even across Clear.
  Result<ssl_ctx_st*> Get(const CheckSpec& spec);
  /// Drops every context; the next Get reads the files again.
  void Clear();
  /// Contexts (and cached failures) held.
  size_t size() const { return ctxs_.size(); }

 private:
  using Key = std::tuple<bool, std::string, std::string, std::string>;
  struct Entry {
    ssl_ctx_st* ctx = nullptr;
    std::string error;
  };
  std::map<Key, Entry> ctxs_;
};

}  // namespace lvsnft::health
