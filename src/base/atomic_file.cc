#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lvsnft {

namespace {

constexpr std::string_view kHeaderStart = "#lvsnft ";

std::string Errno() { return std::strerror(errno); }

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string cur = dir.substr(0, i);
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Error("cannot create " + cur + ": " + Errno());
    }
  }
  return Status();
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Error(Errno());
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

// fsync of the directory makes the rename itself durable.
Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error("cannot open " + dir + ": " + Errno());
  Status s;
  if (fsync(fd) != 0) s = Status::Error("cannot sync " + dir + ": " + Errno());
  close(fd);
  return s;
}

std::array<uint32_t, 256> CrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
    t[i] = c;
  }
  return t;
}

// The header line's fields after "#lvsnft ".
struct Header {
  std::string kind;
  int version = -1;
  uint64_t length = 0;
  uint32_t crc = 0;
};

std::optional<Header> ParseHeader(std::string_view line) {
  Header h;
  std::string rest(line.substr(kHeaderStart.size()));
  char kind[64] = {0};
  unsigned long long len = 0;
  unsigned crc = 0;
  int used = 0;
  if (std::sscanf(rest.c_str(), "%63s v%d len=%llu crc32c=%8x%n", kind,
                  &h.version, &len, &crc, &used) != 4 ||
      static_cast<size_t>(used) != rest.size()) {
    return std::nullopt;
  }
  h.kind = kind;
  h.length = len;
  h.crc = crc;
  return h;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  const std::string dir = DirOf(path);
  Status st = MakeDirs(dir);
  if (!st.ok())
    return Status::Error("cannot write " + path + ": " + st.message());
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("cannot write " + tmp + ": " + Errno());
  st = WriteAll(fd, bytes);
  if (st.ok() && fsync(fd) != 0) st = Status::Error(Errno());
  if (close(fd) != 0 && st.ok()) st = Status::Error(Errno());
  if (st.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::Error(Errno());
  }
  if (!st.ok()) {
    unlink(tmp.c_str());
    return Status::Error("cannot write " + path + ": " + st.message());
  }
  return SyncDir(dir);
}

Status RenameFile(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0)
    return Status::Error("cannot rename " + from + " to " + to + ": " +
                         Errno());
  return SyncDir(DirOf(to));
}

Result<std::optional<std::string>> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Status::Error("cannot read " + path + ": " + Errno());
  }
  std::string out;
  int err = ReadAllFrom(fd, out);
  close(fd);
  if (err != 0)
    return Status::Error("cannot read " + path + ": " + std::strerror(err));
  return std::optional<std::string>(std::move(out));
}

int ReadAllFrom(int fd, std::string& out) {
  out.clear();
  // Sized once (a 7 MB config grew by doubling: copies and page faults).
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    out.append(buf, static_cast<size_t>(n));
  }
}

namespace {

uint32_t Crc32cTable(uint32_t c, std::string_view data) {
  static const std::array<uint32_t, 256> table = CrcTable();
  for (unsigned char b : data) c = (c >> 8) ^ table[(c ^ b) & 0xFF];
  return c;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes the same CRC-32C, 8 bytes at a
// time (state and config files run to megabytes at 10k services).
__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t c,
                                                       std::string_view data) {
  const char* p = data.data();
  size_t n = data.size();
  uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c64 = __builtin_ia32_crc32di(c64, word);
  }
  c = static_cast<uint32_t>(c64);
  for (; n > 0; ++p, --n)
    c = __builtin_ia32_crc32qi(c, static_cast<unsigned char>(*p));
  return c;
}
#endif

}  // namespace

uint32_t Crc32c(std::string_view data) {
#if defined(__x86_64__)
  static const bool sse42 = __builtin_cpu_supports("sse4.2");
  if (sse42) return Crc32cSse42(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
#endif
  return Crc32cTable(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
}

std::string Seal(std::string_view kind, int version, std::string_view payload) {
  char crc[16];
  std::snprintf(crc, sizeof(crc), "%08x", Crc32c(payload));
  std::string out = std::string(kHeaderStart) + std::string(kind) + " v" +
                    std::to_string(version) +
                    " len=" + std::to_string(payload.size()) +
                    " crc32c=" + crc + "\n";
  out.append(payload);
  return out;
}

Result<std::string> Unseal(std::string_view kind, int version,
                           std::string_view file) {
  if (file.empty()) return Status::Error("empty file");
  auto nl = file.find('\n');
  if (file.substr(0, kHeaderStart.size()) != kHeaderStart ||
      nl == std::string_view::npos || nl > 200) {
    return Status::Error("no lvsnft header (foreign or pre-checksum file)");
  }
  auto h = ParseHeader(file.substr(0, nl));
  if (!h) return Status::Error("damaged header");
  if (h->kind != kind) {
    return Status::Error("a " + h->kind + " file, expected " +
                         std::string(kind));
  }
  if (h->version != version) {
    return Status::Error("format v" + std::to_string(h->version) +
                         ", expected v" + std::to_string(version));
  }
  std::string_view payload = file.substr(nl + 1);
  if (payload.size() != h->length) {
    return Status::Error("length " + std::to_string(payload.size()) +
                         ", header says " + std::to_string(h->length));
  }
  if (Crc32c(payload) != h->crc) return Status::Error("checksum mismatch");
  return std::string(payload);
}

SealedRead ReadSealedFile(const std::string& path, std::string_view kind,
                          int version) {
  SealedRead r;
  auto bytes = ReadWholeFile(path);
  if (!bytes.ok()) {
    r.rejected = bytes.status().message();
    return r;
  }
  if (!*bytes) return r;
  auto payload = Unseal(kind, version, **bytes);
  if (!payload.ok()) {
    r.rejected = payload.status().message();
  } else {
    r.payload = std::move(*payload);
  }
  return r;
}

Status WriteSealedFile(const std::string& path, std::string_view kind,
                       int version, std::string_view payload) {
  return WriteFileAtomic(path, Seal(kind, version, payload));
}

Status RemoveFile(const std::string& path, std::string_view what) {
  if (unlink(path.c_str()) == 0 || errno == ENOENT) return Status();
  std::string noun = what.empty() ? "" : std::string(what) + " ";
  return Status::Error("cannot remove " + noun + path + ": " +
                       std::strerror(errno));
}

}  // namespace lvsnft
