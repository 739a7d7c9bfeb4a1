// A re-read of a config file that changed little since the last read (the
// daemon's reload): the services[] entries whose text is unchanged keep
// their parsed form, only the new or changed entries are parsed, and the
// whole-config checks and warnings run on the assembled config exactly as
// LoadConfig runs them. Whatever it cannot prove equal to a full read, and
// every invalid file, is left to LoadConfig.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
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

/// ScanServices of `text` from `was`, the spans of `old_text`, scanning
/// only the entries around the bytes that differ (the others are moved).
/// Nullopt when the difference is not inside the array or the scan of the
/// changed part does not end where the old text's next entry starts: then
/// ScanServices decides. Never spans ScanServices would not find. When
/// `scanned` is given it receives the new indexes [first, last) of the
/// entries scanned again: those before are byte-equal to the old entries
/// at the same index, those after to the old ones as many places back as
/// entries were added.
std::optional<ServiceSpans> RescanServices(
    std::string_view old_text, const ServiceSpans& was, std::string_view text,
    std::pair<size_t, size_t>* scanned = nullptr);

/// Line and column of `text[at]`, counted as the JSON reader counts them.
SourceLoc LocateOffset(std::string_view text, size_t at);

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

/// The outcome of RereadInPlace: what it changed in the config it was
/// given, so that the change can be undone (Swap again).
struct RereadPatch {
  /// The indexes of the parsed entries, ascending.
  std::vector<size_t> at;
  /// The services replaced at `at` (the old forms; after a second Swap,
  /// the new ones).
  std::vector<Service> services;
  /// The reused entries whose lines moved: (index, lines), ascending.
  std::vector<std::pair<size_t, int>> moves;
  int director_lines = 0;  ///< Lines the director moved (written after).
  /// How many services of the new config have checks that read files
  /// (ChecksReadFiles): the next RereadInPlace's `reading_files`.
  size_t reading_files = 0;
  ServiceSpans spans;   ///< Where the new text's entries lie.
  bool applied = true;  ///< The config holds the new text's form.

  /// Swaps the forms in `at` and moves the origins: undoes the patch, or
  /// does it again.
  void Swap(Config& cfg);
  /// The lines service `i` moved by (0 when parsed or not moved).
  int LinesMoved(size_t i) const;
};

/// RereadConfig without a copy: when the new text keeps every entry at its
/// index (the same count, each entry byte-equal to the old one at its
/// column or parsed with the same name), `cfg` (LoadConfig's result for
/// `old_text`) is turned into the new text's config in place: the parsed
/// services swapped in, the origins of the others and of the director
/// moved by the lines their text moved. The config is then checked as
/// LoadConfig checks it (CheckConfigAt when the edit keeps what the other
/// services' checks read) and the warnings of the changed services are
/// added to `diags` (the others' are those of the read that made `cfg`).
/// Nullopt, with `cfg` and `diags` untouched, when that does not apply or
/// any error was found: then RereadConfig or LoadConfig must read the
/// text. `reading_files`, when known (the last patch's), is how many
/// services of `cfg` have checks that read files; it spares a visit of
/// every real server.
std::optional<RereadPatch> RereadInPlace(
    std::string_view old_text, Config& cfg, std::string_view text,
    Diagnostics& diags, const ServiceSpans* old_spans = nullptr,
    std::optional<size_t> reading_files = std::nullopt);

}  // namespace lvsnft
