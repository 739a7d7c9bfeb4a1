// Reading a config's services[] entries into the model while the JSON
// reader meets them (json::ItemSink), shared by the plain read (parse.cc)
// and the read on two threads (parse_split.cc). Not a public interface.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_parser.h"
#include "config/diag.h"
#include "config/json.h"

namespace lvsnft::parse_detail {

/// Pointer of services[] entry `index` ("/services/7").
inline JsonPointer ServicePointer(size_t index) {
  JsonPointer p;
  p.AppendKey("services");
  p.AppendIndex(index);
  return p;
}

/// Builds each services[] entry into `cfg` as soon as the reader has read
/// it; the entry's tree is dropped after, so the whole file's tree never
/// exists. The entries' problems wait in diags() until the rest of the
/// file has been parsed (ConfigParser::ParseRoot puts them where its own
/// walk would have found them).
class ServiceStream : public json::ItemSink {
 public:
  ServiceStream(Config& cfg, const std::string& file)
      : cfg_(cfg), diags_(file), parser_(diags_) {}
  std::string_view key() const override { return "services"; }
  void Take(const json::Value& item, size_t index) override {
    parser_.ParseServiceAt(item, ServicePointer(index),
                           cfg_.services.emplace_back());
  }
  /// Problems found in the entries, in order.
  const Diagnostics& diags() const { return diags_; }

 private:
  Config& cfg_;
  Diagnostics diags_;
  ConfigParser parser_;
};

}  // namespace lvsnft::parse_detail
