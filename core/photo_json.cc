#include "core/photo_json.h"

namespace octopus {
namespace {
template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json PhotoToJson(const Photo& p) {
  nlohmann::json gps = nullptr;
  if (p.meta.gps) {
    gps = {{"lat", p.meta.gps->lat}, {"lon", p.meta.gps->lon}, {"alt", OrNull(p.meta.gps->alt)}};
  }
  nlohmann::json place = nullptr;
  if (p.place) {
    place = {{"country", p.place->country},
             {"country_code", p.place->country_code},
             {"region", p.place->region},
             {"city", p.place->city}};
  }
  const auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  // Names may hold bytes that are not UTF-8 only if a caller bypassed
  // SafeFileName; `replace` keeps dump() from throwing in that case.
  return {
      {"id", p.id},
      {"filename", p.filename},
      {"mime", p.meta.mime},
      {"size", p.size},
      {"sha256", p.sha256},
      {"width", p.meta.width},
      {"height", p.meta.height},
      {"orientation", p.meta.orientation},
      {"taken_at", or_null(p.meta.taken_at)},
      {"taken_at_offset", OrNull(p.meta.taken_at_offset)},
      {"taken_at_estimated", p.meta.taken_at_estimated},
      {"camera", {{"make", or_null(p.meta.camera.make)}, {"model", or_null(p.meta.camera.model)}}},
      {"exif",
       {{"iso", OrNull(p.meta.exif.iso)},
        {"exposure_time", OrNull(p.meta.exif.exposure_time)},
        {"f_number", OrNull(p.meta.exif.f_number)},
        {"focal_length_mm", OrNull(p.meta.exif.focal_length_mm)},
        {"lens", or_null(p.meta.exif.lens)}}},
      {"gps", gps},
      {"place", place},
      {"imported_at", p.imported_at},
      {"trashed_at", OrNull(p.trashed_at)},
  };
}

nlohmann::json UserToJson(const User& u) {
  return {{"username", u.name},         {"is_admin", u.is_admin},
          {"disabled", u.disabled},     {"quota_bytes", u.quota_bytes},
          {"used_bytes", u.used_bytes}, {"photo_count", u.photo_count},
          {"created_at", u.created_at}};
}

}  // namespace octopus
