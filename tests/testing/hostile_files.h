// Hostile inputs, generated: shared by the core-level hostile-input tests
// and the end-to-end ones, so both feed the same bytes to the one ingest
// path through every front end.
#pragma once

#include <filesystem>
#include <string>

namespace octopus::testing {

// A text file (it will be named .jpg).
std::string TextFile();
// The first third of an 800x600 JPEG: no end-of-image marker.
std::string TruncatedJpeg();
// A valid 16x16 JPEG whose frame header declares `side` x `side` pixels.
std::string DecompressionBombJpeg(int side);
// A progressive 4:4:4 JPEG of `width` x `height` (a smooth gradient: a
// 10000x10000 one is about a megabyte). libjpeg keeps every DCT coefficient
// of such a file while decoding it: width x height x 6 bytes.
std::string ProgressiveJpeg(int width, int height);
// A valid 16x16 progressive 4:4:4 JPEG whose frame header declares `side` x
// `side` pixels: 1 KB that made libjpeg zero side x side x 6 bytes of
// coefficient buffers before decoding anything (issue 15).
std::string ProgressiveJpegBomb(int side);
// A 32x32 JPEG with an EXIF block whose IFD0 points at itself and holds a
// tag with an absurd count (0x7fffffff) and one whose offset points past the
// end. A photo with broken EXIF is kept; the EXIF is dropped.
std::string JpegWithLoopingExif();
// A HEIF container (ftyp + empty meta box) with no primary image.
std::string HeifWithoutPrimaryImage();
// A 998-byte HEIC whose primary image is a grid that names itself as one of
// its tiles (tests/fixtures/hostile/). Found by tests/fuzz/heif_fuzz.cc:
// Debian 12's libheif recurses on it until the process aborts.
std::string HeifGridReferringToItself();
// A 998-byte HEIC whose 64x48 primary is a grid declaring a 16384x12288
// canvas (tests/fixtures/hostile/): libheif fills 600 MB for it.
std::string HeifGridWithOversizedCanvas();
// A JPEG signature followed by holes, `size` bytes long, written without
// allocating the holes.
void WriteSparseJpeg(const std::filesystem::path& path, long long size);
// Encodes a HEIC with `heif-enc` from a generated JPEG tagged by `exiv2`
// and then overwrites the TIFF header of its Exif block: a HEIC whose
// image is fine and whose Exif is garbage. Empty when the tools are absent.
std::string HeicWithBrokenExif(const std::filesystem::path& scratch_dir);

}  // namespace octopus::testing
