// WriteFileAtomic and the sealed-file format (header, length, CRC32C).
#include "base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace lvsnft {
namespace {

using lvsnft::testing::TempDir;

std::string Slurp(const std::string& path) {
  auto r = ReadWholeFile(path);
  return r.ok() && *r ? **r : "<missing>";
}

TEST(AtomicFileTest, Crc32cKnownVectors) {
  // RFC 3720 B.4 and the common "123456789" check value.
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(""), 0u);
  // Long enough for the 8-byte steps, at offsets that leave 0..7 bytes
  // over (values from a bytewise reference implementation).
  std::string d;
  for (int i = 0; i < 1000; ++i) d.push_back(static_cast<char>(i * 7 % 251));
  EXPECT_EQ(Crc32c(d), 0xA345377Au);
  EXPECT_EQ(Crc32c(std::string_view(d).substr(1)), 0x92D92425u);
  EXPECT_EQ(Crc32c(std::string_view(d).substr(3)), 0xFED691D4u);
  EXPECT_EQ(Crc32c(std::string_view(d).substr(5)), 0xCAF6BD7Cu);
}

TEST(AtomicFileTest, WriteCreatesParentsAndReplaces) {
  TempDir tmp;
  std::string path = tmp.path + "/a/b/state";
  ASSERT_TRUE(WriteFileAtomic(path, "one").ok());
  EXPECT_EQ(Slurp(path), "one");
  ASSERT_TRUE(WriteFileAtomic(path, std::string("two\0three", 9)).ok());
  EXPECT_EQ(Slurp(path), std::string("two\0three", 9));
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0) << "temp file left";
  auto missing = ReadWholeFile(tmp.path + "/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(AtomicFileTest, FailedWriteLeavesOldFile) {
  TempDir tmp;
  std::string path = tmp.path + "/state";
  ASSERT_TRUE(WriteFileAtomic(path, "old").ok());
  // The temporary name is taken by a directory: the write must fail and
  // the old contents stay.
  ASSERT_EQ(mkdir((path + ".tmp").c_str(), 0755), 0);
  Status s = WriteFileAtomic(path, "new");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("cannot write " + path + ".tmp: ", 0), 0u)
      << s.message();
  EXPECT_EQ(Slurp(path), "old");
}

TEST(AtomicFileTest, SealRoundTripAndHeader) {
  std::string sealed = Seal("director-state", 2, "{\"a\": 1}\n");
  EXPECT_EQ(
      sealed.substr(0, sealed.find('\n')),
      "#lvsnft director-state v2 len=9 crc32c=" + [] {
        char b[9];
        std::snprintf(b, sizeof(b), "%08x", Crc32c("{\"a\": 1}\n"));
        return std::string(b);
      }());
  auto back = Unseal("director-state", 2, sealed);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "{\"a\": 1}\n");
}

TEST(AtomicFileTest, EveryDamageIsRejectedWithItsReason) {
  const std::string payload = "payload bytes 0123456789";
  const std::string good = Seal("snapshot", 3, payload);
  struct Case {
    std::string file, error;
  } cases[] = {
      {"", "empty file"},
      {payload, "no lvsnft header (foreign or pre-checksum file)"},
      {"{\"version\": 1}\n", "no lvsnft header (foreign or pre-checksum file)"},
      {Seal("snapshot", 2, payload), "format v2, expected v3"},
      {Seal("director-state", 3, payload),
       "a director-state file, expected snapshot"},
      {good.substr(0, good.size() - 1), "length 23, header says 24"},
      {good + "x", "length 25, header says 24"},
      {good.substr(0, 20), "no lvsnft header (foreign or pre-checksum file)"},
      {"#lvsnft snapshot v3 len=zz crc32c=0\n", "damaged header"},
  };
  for (const auto& c : cases) {
    auto r = Unseal("snapshot", 3, c.file);
    ASSERT_FALSE(r.ok()) << c.file;
    EXPECT_EQ(r.status().message(), c.error) << c.file;
  }
  // Any 4 bytes overwritten anywhere are caught.
  for (size_t off = 0; off + 4 <= good.size(); ++off) {
    std::string bad = good;
    bad.replace(off, 4, "ZZZZ");
    if (bad == good) continue;
    EXPECT_FALSE(Unseal("snapshot", 3, bad).ok()) << "offset " << off;
  }
}

TEST(AtomicFileTest, SealedFileOnDisk) {
  TempDir tmp;
  std::string path = tmp.path + "/s";
  auto none = ReadSealedFile(path, "k", 1);
  EXPECT_FALSE(none.payload);
  EXPECT_EQ(none.rejected, "");
  ASSERT_TRUE(WriteSealedFile(path, "k", 1, "data").ok());
  auto ok = ReadSealedFile(path, "k", 1);
  ASSERT_TRUE(ok.payload);
  EXPECT_EQ(*ok.payload, "data");
  std::ofstream(path, std::ios::trunc) << "garbage";
  auto bad = ReadSealedFile(path, "k", 1);
  EXPECT_FALSE(bad.payload);
  EXPECT_EQ(bad.rejected, "no lvsnft header (foreign or pre-checksum file)");
}

TEST(AtomicFileTest, SealedFileWritesReadsAndRemoves) {
  TempDir tmp;
  SealedFile f(tmp.path + "/s.json", "test-kind", 3);
  ASSERT_TRUE(f.Write("{}").ok());
  EXPECT_EQ(f.Read().payload.value_or("<none>"), "{}");
  EXPECT_EQ(SealedFile(f.path(), "test-kind", 4).Read().rejected,
            "format v3, expected v4");
  ASSERT_TRUE(f.Remove().ok());
  EXPECT_EQ(Slurp(f.path()), "<missing>");
  EXPECT_TRUE(f.Remove().ok()) << "a missing file is already removed";
}

TEST(AtomicFileTest, RemoveFileNamesWhatItCouldNotRemove) {
  TempDir tmp;
  std::string dir = tmp.path + "/d";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  EXPECT_EQ(RemoveFile(dir).message(),
            "cannot remove " + dir + ": Is a directory");
  EXPECT_EQ(RemoveFile(dir, "state file").message(),
            "cannot remove state file " + dir + ": Is a directory");
}

}  // namespace
}  // namespace lvsnft
