#include "core/image/exif_reader.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include "core/image/camera_name.h"

// Exiv2 0.27 still hands out std::auto_ptr, which C++17 deprecates.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

namespace octopus::image {
namespace {

// Exiv2 needs one-time set-up before it is used from several threads (its
// XMP toolkit), and prints warnings on stderr unless muted.
void InitExiv2Once() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
  });
}

// The datum for `key`, or null when absent, empty or when Exiv2 does not know
// the key.
const Exiv2::Exifdatum* Find(const Exiv2::ExifData& exif, const char* key) {
  try {
    auto it = exif.findKey(Exiv2::ExifKey(key));
    if (it == exif.end() || it->count() == 0) return nullptr;
    return &*it;
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<double> Number(const Exiv2::ExifData& exif, const char* key, long n = 0) {
  const Exiv2::Exifdatum* d = Find(exif, key);
  if (d == nullptr || n >= d->count()) return std::nullopt;
  double v = 0;
  const Exiv2::TypeId type = d->typeId();
  if (type == Exiv2::unsignedRational) {
    // EXIF's RATIONAL is two unsigned 32-bit numbers. Exiv2's toRational
    // hands them over as signed ones, so a numerator above 2^31 (an iPhone
    // writes GPS seconds as 2564660003/100000000) came out negative and the
    // position was dropped: read the unsigned pair itself.
    const auto* value = dynamic_cast<const Exiv2::URationalValue*>(&d->value());
    if (value == nullptr || static_cast<std::size_t>(n) >= value->value_.size()) {
      return std::nullopt;
    }
    const Exiv2::URational r = value->value_[static_cast<std::size_t>(n)];
    if (r.second == 0) return std::nullopt;
    v = static_cast<double>(r.first) / static_cast<double>(r.second);
  } else if (type == Exiv2::signedRational) {
    const Exiv2::Rational r = d->toRational(n);
    if (r.second == 0) return std::nullopt;
    v = static_cast<double>(r.first) / r.second;
  } else {
    v = d->toFloat(n);
  }
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::string Text(const Exiv2::ExifData& exif, const char* key) {
  const Exiv2::Exifdatum* d = Find(exif, key);
  if (d == nullptr) return {};
  std::string s = d->toString();
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

// "YYYY:MM:DD HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SS"; empty when malformed or a
// placeholder like "0000:00:00 00:00:00".
std::string ExifDate(const std::string& raw) {
  int Y, M, D, h, m, s;
  char tail;
  if (std::sscanf(raw.c_str(), "%4d:%2d:%2d %2d:%2d:%2d%c", &Y, &M, &D, &h, &m, &s, &tail) != 6) {
    return {};
  }
  if (Y < 1800 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60 ||
      h < 0 || m < 0 || s < 0) {
    return {};
  }
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", Y, M, D, h, m, std::min(s, 59));
  return buf;
}

// "123" -> ".123"; sub-seconds are digits only, kept to milliseconds.
std::string SubSeconds(const std::string& raw) {
  std::string digits;
  for (char c : raw) {
    if (c < '0' || c > '9') break;
    if (digits.size() < 3) digits += c;
  }
  if (digits.empty()) return {};
  return "." + digits;
}

// "+02:00" / "-04:00" exactly; anything else is ignored.
std::optional<std::string> Offset(const std::string& raw) {
  if (raw.size() != 6 || (raw[0] != '+' && raw[0] != '-') || raw[3] != ':') return std::nullopt;
  for (int i : {1, 2, 4, 5}) {
    if (raw[i] < '0' || raw[i] > '9') return std::nullopt;
  }
  return raw;
}

std::optional<double> Degrees(const Exiv2::ExifData& exif, const char* key) {
  const Exiv2::Exifdatum* d = Find(exif, key);
  if (d == nullptr || d->count() != 3) return std::nullopt;
  auto deg = Number(exif, key, 0), min = Number(exif, key, 1), sec = Number(exif, key, 2);
  if (!deg || !min || !sec || *deg < 0 || *min < 0 || *sec < 0) return std::nullopt;
  return *deg + *min / 60.0 + *sec / 3600.0;
}

// Both coordinates or none. (0, 0) is what some phones write without a fix,
// so it counts as no position.
std::optional<GpsPoint> Gps(const Exiv2::ExifData& exif) {
  auto lat = Degrees(exif, "Exif.GPSInfo.GPSLatitude");
  auto lon = Degrees(exif, "Exif.GPSInfo.GPSLongitude");
  if (!lat || !lon) return std::nullopt;
  const std::string lat_ref = Text(exif, "Exif.GPSInfo.GPSLatitudeRef");
  const std::string lon_ref = Text(exif, "Exif.GPSInfo.GPSLongitudeRef");
  if (lat_ref == "S" || lat_ref == "s") *lat = -*lat;
  if (lon_ref == "W" || lon_ref == "w") *lon = -*lon;
  if (std::fabs(*lat) > 90.0 || std::fabs(*lon) > 180.0) return std::nullopt;
  if (*lat == 0.0 && *lon == 0.0) return std::nullopt;
  GpsPoint p{*lat, *lon, std::nullopt};
  if (auto alt = Number(exif, "Exif.GPSInfo.GPSAltitude"); alt && std::fabs(*alt) < 100'000) {
    const auto ref = Number(exif, "Exif.GPSInfo.GPSAltitudeRef");
    p.alt = (ref && *ref == 1) ? -*alt : *alt;
  }
  return p;
}

void Fill(const Exiv2::ExifData& exif, ImageMetadata* meta) {
  if (exif.empty()) return;
  if (auto o = Number(exif, "Exif.Image.Orientation"); o && *o >= 1 && *o <= 8) {
    meta->orientation = static_cast<int>(*o);
  }
  std::string date = ExifDate(Text(exif, "Exif.Photo.DateTimeOriginal"));
  std::string sub = Text(exif, "Exif.Photo.SubSecTimeOriginal");
  std::string offset = Text(exif, "Exif.Photo.OffsetTimeOriginal");
  if (date.empty()) {
    date = ExifDate(Text(exif, "Exif.Photo.DateTimeDigitized"));
    sub = Text(exif, "Exif.Photo.SubSecTimeDigitized");
    offset = Text(exif, "Exif.Photo.OffsetTimeDigitized");
  }
  if (!date.empty()) {
    meta->taken_at = date + SubSeconds(sub);
    meta->taken_at_offset = Offset(offset);
  }
  meta->camera = CleanCameraName(Text(exif, "Exif.Image.Make"), Text(exif, "Exif.Image.Model"));
  if (auto iso = Number(exif, "Exif.Photo.ISOSpeedRatings"); iso && *iso >= 0 && *iso < 1e7) {
    meta->exif.iso = static_cast<int>(*iso);
  }
  if (auto t = Number(exif, "Exif.Photo.ExposureTime"); t && *t > 0) meta->exif.exposure_time = *t;
  if (auto f = Number(exif, "Exif.Photo.FNumber"); f && *f > 0) meta->exif.f_number = *f;
  if (auto fl = Number(exif, "Exif.Photo.FocalLength"); fl && *fl > 0) {
    meta->exif.focal_length_mm = *fl;
  }
  meta->exif.lens = Text(exif, "Exif.Photo.LensModel");
  meta->gps = Gps(exif);
}

}  // namespace

void ReadExifFromJpeg(std::span<const std::uint8_t> file, ImageMetadata* meta) {
  InitExiv2Once();
  try {
    auto image = Exiv2::ImageFactory::open(file.data(), static_cast<long>(file.size()));
    if (image.get() == nullptr) return;
    image->readMetadata();
    Fill(image->exifData(), meta);
  } catch (const std::exception& e) {
    spdlog::warn("ignoring unreadable EXIF: {}", e.what());
  }
}

void ReadExifFromTiff(std::string_view tiff, ImageMetadata* meta) {
  if (tiff.empty()) return;
  InitExiv2Once();
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, reinterpret_cast<const Exiv2::byte*>(tiff.data()),
                              static_cast<std::uint32_t>(tiff.size()));
    Fill(exif, meta);
  } catch (const std::exception& e) {
    spdlog::warn("ignoring unreadable EXIF: {}", e.what());
  }
}

}  // namespace octopus::image
#pragma GCC diagnostic pop
