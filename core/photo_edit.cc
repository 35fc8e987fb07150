#include "core/photo_edit.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <regex>

#include "core/grouping.h"
#include "core/places/place_index.h"

namespace octopus {
namespace {

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n\v\f") == std::string::npos; }

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n\v\f") - first + 1);
}

// A name as the places index would store it: safe as a file name; empty
// stays empty (a level the place does not have).
std::string PlaceName(const std::string& s) {
  const std::string t = Trimmed(s);
  return t.empty() ? t : SafeFileName(t);
}

// A real calendar day: 2024-02-30 is not.
bool RealDay(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  std::tm copy = tm;
  if (timegm(&copy) == -1) return false;
  return copy.tm_year == tm.tm_year && copy.tm_mon == tm.tm_mon && copy.tm_mday == tm.tm_mday;
}

Result<std::optional<Place>> ValidatePlace(const std::optional<Place>& given,
                                           const places::PlaceIndex* index) {
  if (!given) return std::optional<Place>();
  Place place;
  const std::string country = Trimmed(given->country);
  if (country.empty()) {
    return Status::InvalidArgument(
        "place needs a country (a name or an ISO code, e.g. Italy or IT), or null for no place");
  }
  std::string code = Trimmed(given->country_code);
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!code.empty() && (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
                        !std::isalpha(static_cast<unsigned char>(code[1])))) {
    return Status::InvalidArgument("place.country_code must be an ISO 3166-1 code such as IT");
  }
  if (index != nullptr) {
    // The index's own names, so that the photo joins the by-place folder
    // of the photos placed from their GPS.
    const std::optional<Place> found = index->FindCountry(country);
    if (!found) {
      return Status::InvalidArgument("unknown country: " + country +
                                     " (a name or ISO code as the places index has it, e.g. "
                                     "Italy or IT)");
    }
    if (!code.empty() && code != found->country_code) {
      return Status::InvalidArgument("place.country_code " + code + " is not the code of " +
                                     found->country + " (" + found->country_code + ")");
    }
    place.country = found->country;
    place.country_code = found->country_code;
  } else {
    place.country = PlaceName(country);
    place.country_code = code;
  }
  place.region = PlaceName(given->region);
  place.city = PlaceName(given->city);
  return std::optional<Place>(std::move(place));
}

}  // namespace

Result<CaptureTime> ParseCaptureTime(const std::string& text) {
  static const std::regex kTime(
      R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)");
  const Status refused = Status::InvalidArgument(
      "taken_at must be a date and time such as 2024-07-14T18:30:00, with its offset "
      "(2024-07-14T18:30:00+02:00, or Z for UTC) when known");
  std::smatch m;
  if (!std::regex_match(text, m, kTime)) return refused;
  const auto num = [&](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  const int year = num(1), month = num(2), day = num(3), hour = num(4), minute = num(5),
            second = num(6);
  if (year < 1800 || !RealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return refused;
  }
  CaptureTime out;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute,
                second);
  out.local = buf;
  // Sub-seconds are kept to milliseconds, as EXIF's are.
  if (m[7].matched) out.local += "." + m[7].str().substr(0, 3);
  if (m[8].matched) {
    const std::string offset = m[8].str();
    if (offset == "Z") {
      out.offset = "+00:00";
    } else {
      const int oh = std::stoi(offset.substr(1, 2)), om = std::stoi(offset.substr(4, 2));
      // Zones in use run from -12:00 to +14:00; either sign is allowed up
      // to 14:00, as RFC 3339 parsers commonly do.
      if (om > 59 || oh * 60 + om > 14 * 60) return refused;
      out.offset = offset;
    }
  }
  return out;
}

Result<PhotoCorrection> ValidatePhotoEdit(const PhotoEdit& edit, const places::PlaceIndex* index) {
  if (!edit.filename && !edit.taken_at && !edit.place) {
    return Status::InvalidArgument("nothing to change: give filename, taken_at or place");
  }
  PhotoCorrection out;
  if (edit.filename) {
    if (Blank(*edit.filename)) return Status::InvalidArgument("filename must not be blank");
    if (*edit.filename == "." || *edit.filename == "..") {
      return Status::InvalidArgument("filename must not be . or ..");
    }
    out.filename = SafeFileName(*edit.filename);
  }
  if (edit.taken_at) {
    ASSIGN_OR_RETURN(CaptureTime t, ParseCaptureTime(*edit.taken_at));
    out.taken_at = std::move(t);
  }
  if (edit.place) {
    ASSIGN_OR_RETURN(std::optional<Place> place, ValidatePlace(*edit.place, index));
    out.place = std::move(place);
  }
  return out;
}

}  // namespace octopus
