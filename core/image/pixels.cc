#include "core/image/pixels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

namespace octopus::image {
namespace {

constexpr double kLanczosA = 3.0;

double Sinc(double x) {
  if (x == 0.0) return 1.0;
  const double px = std::numbers::pi * x;
  return std::sin(px) / px;
}

double Lanczos(double x) {
  if (x <= -kLanczosA || x >= kLanczosA) return 0.0;
  return Sinc(x) * Sinc(x / kLanczosA);
}

// For each destination index along one axis: the first source index and the
// normalised weights of the source samples it blends.
struct Contributions {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // dst_size * max_count
  int max_count = 0;
};

Contributions ComputeContributions(int src_size, int dst_size) {
  Contributions c;
  const double scale = static_cast<double>(src_size) / dst_size;
  const double filter_scale = std::max(1.0, scale);
  const double support = kLanczosA * filter_scale;
  c.max_count = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(dst_size);
  c.count.resize(dst_size);
  c.weights.assign(static_cast<std::size_t>(dst_size) * c.max_count, 0.0f);
  for (int i = 0; i < dst_size; ++i) {
    const double center = (i + 0.5) * scale;
    int lo = static_cast<int>(std::floor(center - support));
    int hi = static_cast<int>(std::ceil(center + support));
    lo = std::max(lo, 0);
    hi = std::min(hi, src_size);
    hi = std::min(hi, lo + c.max_count);
    double total = 0;
    float* w = &c.weights[static_cast<std::size_t>(i) * c.max_count];
    for (int s = lo; s < hi; ++s) {
      const double v = Lanczos((s + 0.5 - center) / filter_scale);
      w[s - lo] = static_cast<float>(v);
      total += v;
    }
    if (total != 0) {
      for (int s = lo; s < hi; ++s) w[s - lo] = static_cast<float>(w[s - lo] / total);
    }
    c.first[i] = lo;
    c.count[i] = hi - lo;
  }
  return c;
}

std::uint8_t Clamp8(float v) {
  return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 255.0f) + 0.5f);
}

}  // namespace

void FitLongSide(int width, int height, int long_side, int* out_w, int* out_h) {
  if (width <= long_side && height <= long_side) {
    *out_w = width;
    *out_h = height;
    return;
  }
  if (width >= height) {
    *out_w = long_side;
    *out_h =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(height) * long_side / width)));
  } else {
    *out_h = long_side;
    *out_w =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(width) * long_side / height)));
  }
}

RgbImage Resize(const RgbImage& src, int width, int height) {
  if (width == src.width && height == src.height) {
    RgbImage copy(width, height);
    std::memcpy(copy.data(), src.data(), static_cast<std::size_t>(width) * height * 3);
    return copy;
  }
  // Vertical pass first: it runs over whole contiguous rows, which the
  // compiler vectorises, and it leaves fewer rows for the horizontal pass,
  // which cannot be. The intermediate is 8-bit, as in PIL: the rounding is
  // invisible and the buffer 4x smaller than floats.
  const Contributions v = ComputeContributions(src.height, height);
  const std::size_t src_stride = static_cast<std::size_t>(src.width) * 3;
  RgbImage tmp(src.width, height);
  std::vector<float> acc(src_stride);
  for (int y = 0; y < height; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const float* w = &v.weights[static_cast<std::size_t>(y) * v.max_count];
    for (int k = 0; k < v.count[y]; ++k) {
      const std::uint8_t* in = src.row(v.first[y] + k);
      const float wk = w[k];
      for (std::size_t i = 0; i < src_stride; ++i) acc[i] += wk * static_cast<float>(in[i]);
    }
    std::uint8_t* out = tmp.row(y);
    for (std::size_t i = 0; i < src_stride; ++i) out[i] = Clamp8(acc[i]);
  }

  const Contributions h = ComputeContributions(src.width, width);
  RgbImage dst(width, height);
  std::vector<float> row(src_stride);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* in = tmp.row(y);
    for (std::size_t i = 0; i < src_stride; ++i) row[i] = static_cast<float>(in[i]);
    std::uint8_t* out = dst.row(y);
    for (int x = 0; x < width; ++x) {
      const float* w = &h.weights[static_cast<std::size_t>(x) * h.max_count];
      const float* p = &row[static_cast<std::size_t>(h.first[x]) * 3];
      float r = 0, g = 0, b = 0;
      for (int k = 0; k < h.count[x]; ++k, p += 3) {
        r += w[k] * p[0];
        g += w[k] * p[1];
        b += w[k] * p[2];
      }
      out[x * 3] = Clamp8(r);
      out[x * 3 + 1] = Clamp8(g);
      out[x * 3 + 2] = Clamp8(b);
    }
  }
  return dst;
}

RgbImage Orient(RgbImage src, int orientation) {
  if (orientation < 2 || orientation > 8) return src;
  const bool swap = orientation >= 5;
  const int w = src.width, h = src.height;
  RgbImage dst(swap ? h : w, swap ? w : h);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* in = src.row(y);
    for (int x = 0; x < w; ++x) {
      int dx = x, dy = y;
      switch (orientation) {
        case 2:
          dx = w - 1 - x;
          break;  // mirror horizontal
        case 3:
          dx = w - 1 - x;
          dy = h - 1 - y;
          break;  // rotate 180
        case 4:
          dy = h - 1 - y;
          break;  // mirror vertical
        case 5:
          dx = y;
          dy = x;
          break;  // transpose
        case 6:
          dx = h - 1 - y;
          dy = x;
          break;  // rotate 90 CW
        case 7:
          dx = h - 1 - y;
          dy = w - 1 - x;
          break;  // transverse
        case 8:
          dx = y;
          dy = w - 1 - x;
          break;  // rotate 90 CCW
        default:
          break;
      }
      std::uint8_t* out = dst.row(dy) + static_cast<std::size_t>(dx) * 3;
      out[0] = in[x * 3];
      out[1] = in[x * 3 + 1];
      out[2] = in[x * 3 + 2];
    }
  }
  return dst;
}

}  // namespace octopus::image
