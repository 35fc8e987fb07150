// What a user may correct of a photo that the camera got wrong (or that had
// no EXIF): its name, its capture time and its place. A front end fills a
// PhotoEdit with what it received; ValidatePhotoEdit checks it and gives
// the PhotoCorrection that PhotoStore::Correct applies.
//
// Thread-safe: free functions without state.
#pragma once

#include <optional>
#include <string>

#include "core/photo.h"
#include "core/status.h"

namespace octopus {

namespace places {
class PlaceIndex;
}

// As received; unset fields stay as they are.
struct PhotoEdit {
  std::optional<std::string> filename;
  // An ISO 8601 capture time: local ("2024-07-14T18:30:00", the seconds and
  // ".fff" optional), or with its offset ("2024-07-14T18:30:00+02:00", "Z").
  std::optional<std::string> taken_at;
  // Outer set: change the place; inner nullopt: the photo has none. The
  // country is a name or an ISO 3166-1 code; country_code may be empty.
  std::optional<std::optional<Place>> place;
};

// A capture time as the library stores it.
struct CaptureTime {
  std::string local;                  // "YYYY-MM-DDTHH:MM:SS" with ".fff" when given
  std::optional<std::string> offset;  // "+02:00"; none for a local time
};

// A validated edit, in stored form.
struct PhotoCorrection {
  std::optional<std::string> filename;  // a safe file name
  std::optional<CaptureTime> taken_at;  // no longer an estimate
  std::optional<std::optional<Place>> place;
};

// kInvalidArgument, naming the field and what it takes, for: nothing to
// change; a blank file name ("", spaces only), "." or ".."; a capture time
// not in the forms above or not a real date and time (2024-02-30, 25:00,
// an offset beyond +-14:00); a place without a country.
//
// Places follow the index when there is one (`index` may be null): the
// country, given by name or code in any ASCII case, must be one of its
// countries and is stored with the index's name and code ("it" -> Italy,
// IT), a country_code given too must agree; region and city are taken as
// given. Without an index the country is kept as given and country_code is
// what was given (two letters, upper-cased) or empty. Names are made safe
// for file names, as the index's are.
Result<PhotoCorrection> ValidatePhotoEdit(const PhotoEdit& edit, const places::PlaceIndex* index);

// "2024-07-14T18:30[:05[.123]]" with "Z" or "+02:00" or no offset, as a
// CaptureTime; kInvalidArgument otherwise.
Result<CaptureTime> ParseCaptureTime(const std::string& text);

}  // namespace octopus
