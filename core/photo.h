// The photo record: what the library knows of one stored photo. The same
// record is printed by `octopus ls --json` and returned by the HTTP API
// (see photo_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace octopus {

using UserId = std::int64_t;

struct CameraInfo {
  std::string make;   // cleaned: "Nikon", "Apple"; empty when unknown
  std::string model;  // cleaned: "D750", "iPhone 12"; empty when unknown
};

struct ExposureInfo {
  std::optional<int> iso;
  std::optional<double> exposure_time;  // seconds
  std::optional<double> f_number;
  std::optional<double> focal_length_mm;
  std::string lens;  // empty when unknown
};

struct GpsPoint {
  double lat = 0;             // signed decimal degrees, S negative
  double lon = 0;             // signed decimal degrees, W negative
  std::optional<double> alt;  // metres, below sea level negative
};

struct Place {
  std::string country;
  std::string country_code;  // ISO 3166-1 alpha-2
  std::string region;        // first-level division; may be empty
  std::string city;          // may be empty
  bool operator==(const Place&) const = default;
};

// What is read from the image file itself.
struct ImageMetadata {
  std::string mime;  // "image/jpeg" or "image/heic"
  int width = 0;     // pixel size as stored (orientation not applied)
  int height = 0;
  int orientation = 1;  // EXIF 1..8
  // Capture time as local time of the photo, "YYYY-MM-DDTHH:MM:SS" with
  // ".fff" when sub-seconds are known. Empty when unknown.
  std::string taken_at;
  std::optional<std::string> taken_at_offset;  // "+02:00" when known
  bool taken_at_estimated = false;             // true: taken_at is the file's mtime
  CameraInfo camera;
  ExposureInfo exif;
  std::optional<GpsPoint> gps;
};

struct Photo {
  std::string id;  // 128-bit random, 32 lower-case hex digits
  UserId owner = 0;
  std::string filename;  // as given by the user, sanitized (no '/', no NUL)
  std::int64_t size = 0;
  std::string sha256;  // lower-case hex of the original's bytes
  ImageMetadata meta;
  std::optional<Place> place;
  std::string imported_at;  // ISO 8601 UTC, "2024-07-14T10:00:00Z"
  // When it was moved to the trash (ISO 8601 UTC); unset for a photo in
  // the library. A trashed photo is in no view and no listing but the
  // trash's, and still counts against its owner's quota until purged.
  std::optional<std::string> trashed_at;
};

}  // namespace octopus
