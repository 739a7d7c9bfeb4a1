// A re-read of a config file that changed little since the last read (the
// daemon's reload): the services[] entries whose text is unchanged keep
// their parsed form, only the new or changed entries are parsed, and the
// whole-config checks and warnings run on the assembled config exactly as
// LoadConfig runs them. Whatever it cannot prove equal to a full read, and
// every invalid file, is left to LoadConfig.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/diag.h"

namespace lvsnft {

/// Where the entries of the top-level "services" array lie in a text.
struct ServiceSpans {
  size_t begin = 0;                     ///< The array's '['.
  size_t end = 0;                       ///< Just past its ']'.
  std::vector<std::string_view> items;  ///< Each entry's text.
  std::vector<SourceLoc> starts;        ///< Where each entry starts.
};

/// Finds the services array of a config text by a scan of its structure
/// (no values are read). Nullopt when the text is not one JSON object
/// whose "services" member (plainly spelt) is an array, or when it holds
/// a carriage return (the scan counts lines by '\n' alone).
std::optional<ServiceSpans> ScanServices(std::string_view text);

/// The outcome of RereadConfig.
struct Reread {
  Config config;      ///< Equal to what LoadConfig makes of the text.
  size_t parsed = 0;  ///< Entries parsed; the others were reused.
  /// The indexes of the parsed entries, ascending.
  std::vector<size_t> parsed_at;
  /// True when every reused entry kept its index (and the count is the
  /// old one): then only the entries in `parsed_at` can differ from the
  /// old config's services at the same index.
  bool in_place = true;
  /// Where the new text's entries lie (for the next reread of a text
  /// that changes this one; views into the new text).
  ServiceSpans spans;
};

/// `text`'s config, built from `old_cfg` (LoadConfig's result for
/// `old_text`) when everything outside the services array is byte-equal
/// to `old_text`: entries found byte-equal in the old text (at the same
/// column) are copied with their origins moved, the others parsed; then
/// CheckConfig and WarnConfig run. Nullopt (and `diags` untouched) when
/// that does not apply or any error was found: then LoadConfig must read
/// the text, which also locates the errors. On success the warnings are
/// added to `diags`. `old_spans`, when given, must be ScanServices of
/// `old_text` (a Reread's `spans` kept from the read that produced it):
/// then the old text is not scanned again.
std::optional<Reread> RereadConfig(std::string_view old_text,
                                   const Config& old_cfg, std::string_view text,
                                   Diagnostics& diags,
                                   const ServiceSpans* old_spans = nullptr);

}  // namespace lvsnft
