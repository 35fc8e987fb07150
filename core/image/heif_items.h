// A check of a HEIF file's derived images, made on its bytes before libheif
// decodes it.
//
// libheif 1.15 (Debian 12) follows the references of derived images (a
// 'grid' of tiles, an 'iden' or 'iovl' of other images, an alpha plane)
// without a depth limit or a cycle check. A 1 KB file whose grid names
// itself as a tile makes heif_decode_image recurse until it aborts (thread
// creation fails: std::terminate) or overflows the stack, taking the
// process with it; found by tests/fuzz/heif_fuzz.cc. A grid naming one small
// tile many times, through a few levels, multiplies the decoding work.
//
// So the references are read here, the way libheif reads them and the way
// the format defines them (both, since a crafted file may be read
// differently by each), and a file is refused when, from its primary image,
// they form a cycle, nest more than three levels deep, or ask for more than
// 4,096 image decodes in all. Photos from cameras and phones are one grid of
// a few dozen to a few hundred tiles, or no grid at all. Sizes are read
// from the file too, since libheif allocates by them whatever the 'ispe'
// says: a grid's or an overlay's canvas must be within the pixel limit (a
// 1 KB file declaring 16384x12288 made libheif fill 600 MB), and the coded
// frames it decodes (the HEVC parameter sets of each tile's 'hvcC' and
// data) must add up to at most twice that limit.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"

namespace octopus::image {

// kUnsupportedMedia when the derived images of `file` (a HEIF file) could
// not be decoded safely; kTooLarge when a canvas is over `max_pixels` or
// the frames decoded add up to more than twice it. Ok otherwise, including
// for files too malformed to hold any reference, which libheif then
// refuses on its own.
Status CheckHeifDerivedImages(std::span<const std::uint8_t> file, std::uint64_t max_pixels);

}  // namespace octopus::image
