// Durable, all-or-nothing file replacement and integrity-checked files for
// everything lvsnft remembers between runs (director state, applied
// config, kernel snapshot, rs-setup state).
//
// A sealed file starts with one text line
//     #lvsnft KIND vVERSION len=LENGTH crc32c=XXXXXXXX
// followed by exactly LENGTH payload bytes whose CRC32C is XXXXXXXX. JSON
// payloads stay readable (`tail -n +2 FILE | jq`). A file that does not
// match (damaged, truncated, another kind, another format version) is
// rejected with the reason, so callers can ignore it instead of trusting it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lvsnft {

/// Replaces `path` with `bytes` atomically and durably: writes a temporary
/// file in the same directory, fsyncs it, renames it over `path` and
/// fsyncs the directory. Missing parent directories are created (0755).
/// On failure `path` is unchanged and the temporary file is removed.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);

/// Moves `from` over `to` (in the same directory) atomically and durably:
/// renames it and fsyncs the directory. The error reads "cannot rename
/// FROM to TO: REASON".
Status RenameFile(const std::string& from, const std::string& to);

/// Reads the whole of `path`; nullopt when it does not exist.
Result<std::optional<std::string>> ReadWholeFile(const std::string& path);

/// Reads `fd` to its end into `out` (replaced; reserved once from fstat
/// for a regular file). Returns 0, or the errno of the failed read.
int ReadAllFrom(int fd, std::string& out);

/// CRC-32C (Castagnoli, reflected, as in iSCSI/ext4) of `data`.
uint32_t Crc32c(std::string_view data);

/// `payload` behind the header line naming `kind` and `version`.
std::string Seal(std::string_view kind, int version, std::string_view payload);

/// The payload of a sealed `file`, or an error saying why it cannot be
/// trusted ("checksum mismatch", "format v1, expected v2", ...).
Result<std::string> Unseal(std::string_view kind, int version,
                           std::string_view file);

/// What ReadSealedFile found.
struct SealedRead {
  std::optional<std::string> payload;  ///< Absent: missing or rejected.
  std::string rejected;  ///< Why the file was not trusted ("" = it was).
};

/// Reads and unseals `path`. A missing file gives no payload and no
/// reason; an unreadable or damaged one gives no payload and the reason.
SealedRead ReadSealedFile(const std::string& path, std::string_view kind,
                          int version);

/// Seals `payload` and writes it with WriteFileAtomic.
Status WriteSealedFile(const std::string& path, std::string_view kind,
                       int version, std::string_view payload);

/// Removes `path`; a missing file is fine. The error reads "cannot remove
/// WHAT PATH: REASON" (or "cannot remove PATH: REASON" without `what`).
Status RemoveFile(const std::string& path, std::string_view what = "");

/// One sealed file of a fixed kind and format version: what every
/// remembered file (director state, applied config, snapshot, rs-setup
/// state) is.
class SealedFile {
 public:
  /// The file at `path` holding `kind` in format `version`.
  SealedFile(std::string path, std::string kind, int version)
      : path_(std::move(path)), kind_(std::move(kind)), version_(version) {}
  /// See ReadSealedFile.
  SealedRead Read() const { return ReadSealedFile(path_, kind_, version_); }
  /// See WriteSealedFile.
  Status Write(std::string_view payload) const {
    return WriteSealedFile(path_, kind_, version_, payload);
  }
  /// See RemoveFile.
  Status Remove(std::string_view what = "") const {
    return RemoveFile(path_, what);
  }
  /// Moves the file `from` (written with this kind and version) over it
  /// (see RenameFile).
  Status Take(const std::string& from) const { return RenameFile(from, path_); }
  /// The file path.
  const std::string& path() const { return path_; }

 private:
  std::string path_, kind_;
  int version_;
};

}  // namespace lvsnft
