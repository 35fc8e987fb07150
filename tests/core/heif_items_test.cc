// The check of HEIF derived images made before libheif decodes
// (core/image/heif_items.h): files built box by box, each with one way a
// grid can make libheif recurse or multiply its work, and the real photos,
// which must pass.
#include "core/image/heif_items.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "core/image/media_type.h"
#include "core/image/thumbnailer.h"
#include "tests/testing/hostile_files.h"
#include "tests/testing/test_util.h"

namespace octopus::image {
namespace {

using testing::AsBytes;

std::string U16(std::uint32_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string U32(std::uint32_t v) { return U16(v >> 16) + U16(v & 0xffff); }
std::string Box(const std::string& type, const std::string& payload) {
  return U32(static_cast<std::uint32_t>(8 + payload.size())) + type + payload;
}
std::string FullBox(const std::string& type, int version, const std::string& payload) {
  return Box(type, std::string(1, static_cast<char>(version)) + std::string(3, '\0') + payload);
}
// One reference record of an 'iref' box (16-bit IDs unless `wide`).
std::string Ref(const std::string& type, std::uint32_t from, const std::vector<std::uint32_t>& to,
                bool wide = false) {
  std::string payload = (wide ? U32(from) : U16(from)) + U16(static_cast<std::uint32_t>(to.size()));
  for (std::uint32_t id : to) payload += wide ? U32(id) : U16(id);
  return Box(type, payload);
}
// ftyp, then a meta box with the primary item and these reference records.
std::string Heif(std::uint32_t primary, const std::string& records, int iref_version = 0) {
  return Box("ftyp", "heic" + U32(0) + "mif1heic") +
         FullBox("meta", 0,
                 FullBox("hdlr", 0, U32(0) + "pict" + std::string(13, '\0')) +
                     (primary > 0xffff ? FullBox("pitm", 1, U32(primary))
                                       : FullBox("pitm", 0, U16(primary))) +
                     FullBox("iref", iref_version, records));
}
// ftyp, then a meta box whose primary item 1 is a `type` ('grid' or
// 'iovl') of tile 2, described by `data`, stored in 'idat' (method 1) or
// after the meta box (method 0).
std::string DerivedHeif(const std::string& type, const std::string& data, int method) {
  const std::string infe = FullBox("infe", 2, U16(1) + U16(0) + type + '\0') +
                           FullBox("infe", 2, U16(2) + U16(0) + "hvc1" + '\0');
  auto meta = [&](std::uint32_t offset) {
    const std::string iloc =
        FullBox("iloc", 1,
                std::string("\x44\x00", 2) + U16(1) + U16(1) + U16(method) + U16(0) + U16(1) +
                    U32(offset) + U32(static_cast<std::uint32_t>(data.size())));
    return FullBox("meta", 0,
                   FullBox("pitm", 0, U16(1)) + FullBox("iinf", 0, U16(2) + infe) + iloc +
                       FullBox("iref", 0, Ref("dimg", 1, {2})) +
                       (method == 1 ? Box("idat", data) : ""));
  };
  const std::string ftyp = Box("ftyp", "heic" + U32(0) + "mif1heic");
  if (method == 1) return ftyp + meta(0);
  // The data right after the meta box, whose size does not depend on the
  // offset written in it.
  const auto offset = static_cast<std::uint32_t>(ftyp.size() + meta(0).size() + 8);
  return ftyp + meta(offset) + Box("mdat", data);
}
std::string GridData(std::uint32_t w, std::uint32_t h, bool wide = false) {
  return std::string(1, '\0') + std::string(1, wide ? '\1' : '\0') + std::string(2, '\0') +
         (wide ? U32(w) + U32(h) : U16(w) + U16(h));
}
std::string OverlayData(std::uint32_t w, std::uint32_t h) {
  return std::string(2, '\0') + std::string(8, '\x7f') + U16(w) + U16(h) + U16(0) + U16(0);
}

// An HEVC sequence parameter set NAL unit declaring a `w` x `h` frame,
// with emulation prevention as an encoder writes it.
std::string Sps(std::uint64_t w, std::uint64_t h) {
  std::vector<bool> bits;
  auto put = [&](std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) bits.push_back(i < 64 && ((v >> i) & 1) != 0);
  };
  auto ue = [&](std::uint64_t v) {
    int n = 0;
    while ((v + 1) >> (n + 1)) ++n;
    put(0, n);
    put(v + 1, n + 1);
  };
  put(0, 4);   // vps id
  put(0, 3);   // one sub-layer
  put(1, 1);   // temporal id nesting
  put(0, 96);  // profile, tier, level
  ue(0);       // sps id
  ue(1);       // 4:2:0
  ue(w);
  ue(h);
  put(1, 1);  // stop bit
  while (bits.size() % 8) bits.push_back(false);
  std::string rbsp;
  for (std::size_t i = 0; i < bits.size(); i += 8) {
    int byte = 0;
    for (int k = 0; k < 8; ++k) byte = (byte << 1) | bits[i + k];
    rbsp += static_cast<char>(byte);
  }
  std::string nal = "\x42\x01";
  int zeros = 0;
  for (char c : rbsp) {
    const auto b = static_cast<unsigned char>(c);
    if (zeros >= 2 && b <= 3) {
      nal += '\x03';
      zeros = 0;
    }
    nal += c;
    zeros = b == 0 ? zeros + 1 : 0;
  }
  return nal;
}
std::string Hvcc(const std::string& sps) {
  return Box("hvcC", std::string(22, '\0') + '\x01' + '\x21' + U16(1) +
                         U16(static_cast<std::uint32_t>(sps.size())) + sps);
}
// A grid (item 1) of `tiles` references to tile 2, whose 'hvcC' declares a
// `w` x `h` frame; its data, in 'mdat', may hold another parameter set.
std::string GridOfFrames(std::uint32_t tiles, std::uint64_t w, std::uint64_t h,
                         const std::string& tile_data) {
  const std::string infe = FullBox("infe", 2, U16(1) + U16(0) + "grid" + '\0') +
                           FullBox("infe", 2, U16(2) + U16(0) + "hvc1" + '\0');
  const std::string ipco = Box("ipco", Hvcc(Sps(w, h)));
  const std::string ipma = FullBox("ipma", 0, U32(1) + U16(2) + '\x01' + '\x81');
  auto meta = [&](std::uint32_t offset) {
    const std::string iloc =
        FullBox("iloc", 1,
                std::string("\x44\x00", 2) + U16(2) + U16(1) + U16(1) + U16(0) + U16(1) + U32(0) +
                    U32(8) + U16(2) + U16(0) + U16(0) + U16(1) + U32(offset) +
                    U32(static_cast<std::uint32_t>(tile_data.size())));
    return FullBox("meta", 0,
                   FullBox("pitm", 0, U16(1)) + FullBox("iinf", 0, U16(2) + infe) + iloc +
                       Box("iprp", ipco + ipma) +
                       FullBox("iref", 0, Ref("dimg", 1, std::vector<std::uint32_t>(tiles, 2))) +
                       Box("idat", GridData(64, 64)));
  };
  const std::string ftyp = Box("ftyp", "heic" + U32(0) + "mif1heic");
  const auto offset = static_cast<std::uint32_t>(ftyp.size() + meta(0).size() + 8);
  return ftyp + meta(offset) + Box("mdat", tile_data);
}

std::vector<std::uint32_t> Range(std::uint32_t first, std::uint32_t count) {
  std::vector<std::uint32_t> v(count);
  std::iota(v.begin(), v.end(), first);
  return v;
}

Status Check(const std::string& file, std::uint64_t max_pixels = 100'000'000) {
  return CheckHeifDerivedImages(AsBytes(file), max_pixels);
}

void ExpectRefused(const std::string& file, const std::string& words) {
  const Status s = Check(file);
  ASSERT_FALSE(s.ok()) << "accepted";
  EXPECT_EQ(s.code(), Code::kUnsupportedMedia);
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}

TEST(HeifItemsTest, AGridOfTilesAndItsAlphaPass) {
  // What a phone writes: a grid of 48 coded tiles, an Exif item describing
  // it, and here also an alpha grid of its own tiles.
  EXPECT_TRUE(Check(Heif(1, Ref("dimg", 1, Range(2, 48)) + Ref("cdsc", 60, {1}) +
                                Ref("auxl", 70, {1}) + Ref("dimg", 70, Range(80, 48))))
                  .ok());
  EXPECT_TRUE(Check(Heif(1, "")).ok()) << "no references at all";
  EXPECT_TRUE(Check(Heif(1, Ref("dimg", 1, Range(2, 4096)))).ok()) << "4,096 tiles";
}

TEST(HeifItemsTest, AGridNamingItselfIsRefused) {
  ExpectRefused(Heif(1, Ref("dimg", 1, {2, 1, 3})), "refers to itself");
  ExpectRefused(Heif(1, Ref("dimg", 1, {2}) + Ref("dimg", 2, {3}) + Ref("dimg", 3, {1})),
                "refers to itself");
  ExpectRefused(Heif(0x10001, Ref("dimg", 0x10001, {0x10001}, /*wide=*/true), /*iref_version=*/1),
                "refers to itself");
  // Through its alpha plane: the alpha image is a grid with the primary as
  // a tile.
  ExpectRefused(Heif(1, Ref("dimg", 1, {2}) + Ref("auxl", 3, {1}) + Ref("dimg", 3, {1})),
                "refers to itself");
}

TEST(HeifItemsTest, DeepNestingAndTooManyDecodesAreRefused) {
  EXPECT_TRUE(Check(Heif(1, Ref("dimg", 1, {2}) + Ref("dimg", 2, {3}) + Ref("dimg", 3, {4}))).ok())
      << "three levels";
  ExpectRefused(Heif(1, Ref("dimg", 1, {2}) + Ref("dimg", 2, {3}) + Ref("dimg", 3, {4}) +
                            Ref("dimg", 4, {5})),
                "nested too deeply");
  ExpectRefused(Heif(1, Ref("dimg", 1, Range(2, 4097))), "too many");
  // 64 times a grid of 64 times the same tile: few bytes, 4,160 decodes.
  ExpectRefused(Heif(1, Ref("dimg", 1, std::vector<std::uint32_t>(64, 2)) +
                            Ref("dimg", 2, std::vector<std::uint32_t>(64, 3))),
                "too many");
}

// A crafted file may be read differently by libheif (record after record,
// ignoring their sizes) and by the format's definition (each record where
// the previous one's size ends). A cycle visible to either is refused.
TEST(HeifItemsTest, ACycleSeenByEitherWayOfReadingIsRefused) {
  // The first record declares 14 bytes more than it holds, so a reader that
  // follows sizes skips the second; libheif reads it.
  const std::string second = Ref("dimg", 2, {1});
  const std::string hidden_from_sizes =
      U32(14 + static_cast<std::uint32_t>(second.size())) + "dimg" + U16(1) + U16(1) + U16(2);
  ExpectRefused(Heif(1, hidden_from_sizes + second), "refers to itself");
  // The first record is padded past its IDs: libheif reads the padding as
  // the next record's header and never sees the second one.
  const std::string padded = U32(18) + "dimg" + U16(1) + U16(1) + U16(2) + "\xff\xff\xff\xff";
  ExpectRefused(Heif(1, padded + second), "refers to itself");
}

// libheif allocates a grid's or an overlay's canvas from the size in its
// data, before any tile and whatever the 'ispe' says: that size is held to
// the pixel limit.
TEST(HeifItemsTest, ACanvasOverThePixelLimitIsTooLarge) {
  for (int method : {0, 1}) {
    SCOPED_TRACE(method);
    EXPECT_TRUE(Check(DerivedHeif("grid", GridData(4032, 3024), method)).ok());
    const Status big = Check(DerivedHeif("grid", GridData(16384, 12288), method));
    EXPECT_EQ(big.code(), Code::kTooLarge) << big.message();
    EXPECT_NE(big.message().find("16384x12288"), std::string::npos) << big.message();
    EXPECT_EQ(Check(DerivedHeif("grid", GridData(100000, 100000, true), method)).code(),
              Code::kTooLarge);
    EXPECT_TRUE(Check(DerivedHeif("iovl", OverlayData(4000, 3000), method)).ok());
    EXPECT_EQ(Check(DerivedHeif("iovl", OverlayData(60000, 60000), method)).code(),
              Code::kTooLarge);
  }
  // The limit is the caller's.
  EXPECT_EQ(Check(DerivedHeif("grid", GridData(4032, 3024), 1), 12'000'000).code(),
            Code::kTooLarge);
}

// Every decoded frame is allocated whole, whatever the 'ispe' says: the
// frames a file decodes may add up to twice the pixel limit.
TEST(HeifItemsTest, FramesAddingUpPastTwiceTheLimitAreTooLarge) {
  constexpr std::uint64_t kLimit = 100'000'000;
  // 48 tiles of 512x512: a phone's 12 MP photo.
  EXPECT_TRUE(Check(GridOfFrames(48, 512, 512, ""), kLimit).ok());
  // 1,000 decodes of an 8192x8192 frame, in a few hundred bytes.
  const Status many = Check(GridOfFrames(1000, 8192, 8192, ""), kLimit);
  EXPECT_EQ(many.code(), Code::kTooLarge) << many.message();
  // Three 10000x8000 frames: 240 MP.
  EXPECT_EQ(Check(GridOfFrames(3, 10000, 8000, ""), kLimit).code(), Code::kTooLarge);
  EXPECT_TRUE(Check(GridOfFrames(2, 10000, 5000, ""), kLimit).ok());
  // A small 'hvcC', and a large parameter set in the tile's own data, which
  // the decoder takes after it.
  const std::string nal = Sps(8192, 8192);
  const std::string data = U32(static_cast<std::uint32_t>(nal.size())) + nal;
  EXPECT_EQ(Check(GridOfFrames(48, 512, 512, data), kLimit).code(), Code::kTooLarge);
  // Sizes whose product does not fit in 64 bits (2^32 x 2^32) must not wrap
  // around to a small number.
  EXPECT_EQ(
      Check(GridOfFrames(1, std::uint64_t{1} << 32, std::uint64_t{1} << 32, ""), kLimit).code(),
      Code::kTooLarge);
  EXPECT_EQ(
      Check(GridOfFrames(4096, std::uint64_t{1} << 31, std::uint64_t{1} << 31, ""), kLimit).code(),
      Code::kTooLarge);
}

// The walk through a tile's NAL units is bounded: tile data of 70,000
// empty units is refused instead of walked for every tile.
TEST(HeifItemsTest, TileDataInTooManyPiecesIsRefused) {
  EXPECT_TRUE(Check(GridOfFrames(4, 512, 512, std::string(4 * 1000, '\0'))).ok());
  ExpectRefused(GridOfFrames(4, 512, 512, std::string(4 * 70'000, '\0')), "too many pieces");
}

// The frame size is read from what a real encoder writes.
TEST(HeifItemsTest, ARealEncodersFrameSizeIsRead) {
  if (testing::RunCommand("command -v heif-enc >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "heif-enc not installed (tools/setup.sh installs it)";
  }
  testing::TempDir dir;
  testing::WriteFile(dir / "in.jpg", testing::MakeJpeg(1200, 800, 4));
  const auto r =
      testing::RunCommand("heif-enc -q 30 -o " + testing::Quote((dir / "out.heic").string()) + " " +
                          testing::Quote((dir / "in.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string heic = testing::ReadFile(dir / "out.heic");
  // 960,000 pixels (the encoder may pad to its block size): within twice
  // a limit of 500,000, over twice one of 400,000.
  EXPECT_TRUE(Check(heic, 500'000).ok());
  EXPECT_EQ(Check(heic, 400'000).code(), Code::kTooLarge);
}

TEST(HeifItemsTest, MalformedBytesAreLeftToLibheif) {
  EXPECT_TRUE(Check("").ok());
  EXPECT_TRUE(Check(testing::TextFile()).ok());
  EXPECT_TRUE(Check(testing::HeifWithoutPrimaryImage()).ok());
  // Sizes that overflow, and records cut in the middle.
  EXPECT_TRUE(
      Check(Box("ftyp", "heic") + U32(1) + "meta" + U32(0xffffffff) + U32(0xffffffff)).ok());
  const std::string cut = Heif(1, Ref("dimg", 1, Range(2, 10)));
  for (std::size_t n = 0; n < cut.size(); ++n) (void)Check(cut.substr(0, n));
}

TEST(HeifItemsTest, TheFuzzersFileIsRefusedWithoutDecoding) {
  const std::string heic = testing::HeifGridReferringToItself();
  ASSERT_EQ(heic.size(), 998u) << "fixture missing";
  ExpectRefused(heic, "refers to itself");
  ThumbnailSpec spec;
  auto thumbs = MakeThumbnails(AsBytes(heic), MediaType::kHeif, 1, spec);
  ASSERT_FALSE(thumbs.ok());
  EXPECT_EQ(thumbs.status().code(), Code::kUnsupportedMedia);
}

// Also from the fuzzer: its grid's descriptor starts one byte into an
// 8-byte 'idat', so libheif reads its last byte from the next box, and
// declares 16384x12288 under an 'ispe' of 64x48.
TEST(HeifItemsTest, TheFuzzersCanvasBombIsTooLarge) {
  const std::string heic = testing::HeifGridWithOversizedCanvas();
  ASSERT_EQ(heic.size(), 998u) << "fixture missing";
  EXPECT_EQ(Check(heic).code(), Code::kTooLarge);
  ThumbnailSpec spec;
  spec.max_pixels = 100'000'000;
  auto thumbs = MakeThumbnails(AsBytes(heic), MediaType::kHeif, 1, spec);
  ASSERT_FALSE(thumbs.ok());
  EXPECT_EQ(thumbs.status().code(), Code::kTooLarge);
}

TEST(HeifItemsTest, RealPhotosPass) {
  int checked = 0;
  for (const auto& path : testing::SamplePhotoFiles()) {
    if (path.extension() == ".jpg") continue;
    const std::string bytes = testing::ReadFile(path);
    EXPECT_TRUE(Check(bytes).ok()) << path;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no sample HEIC photos (../shared/photos)";
}

}  // namespace
}  // namespace octopus::image
