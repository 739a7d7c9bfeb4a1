// Reading a large config on two threads: the services[] entries at the
// end of the file are read on a second thread while the first reads the
// rest. Not a public interface: ParseConfig and LoadConfig use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.h"

namespace lvsnft::parse_detail {

/// Size from which a config is worth a second thread (NAT 1k x 10 is
/// about 0.7 MB and parses in ~20 ms; a thread costs ~0.1 ms).
inline constexpr size_t kSplitBytes = 1u << 20;

/// Reads `text` into `cfg` (which must be empty) on two threads when it
/// is at least `min_bytes` long: the calling thread reads it from the
/// front while a second one scans it (ScanServices) and reads services[]
/// entries from the back, until the two meet. True when no problem at all
/// was found: then `cfg` is exactly what the sequential read makes of
/// `text` (all of it read on the calling thread when the scan found no
/// entries). False otherwise, `cfg` left in any state: the caller reads
/// the text sequentially, which alone locates and reports its problems.
/// `second`, when set, receives how many entries the second thread read.
bool ParseSplit(std::string_view text, const std::string& file, Config& cfg,
                size_t min_bytes = kSplitBytes, size_t* second = nullptr);

}  // namespace lvsnft::parse_detail
