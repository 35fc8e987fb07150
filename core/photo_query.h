// What a photo listing asks for and what it gets.
#pragma once

#include <string>
#include <vector>

#include "core/photo.h"
#include "core/status.h"

namespace octopus {

// Filters for ListPhotos; empty fields do not filter. Names match without
// regard to ASCII case ("rome" finds Rome; "île" does not find "Île").
struct PhotoQuery {
  // Capture time (the photo's local time, as in by-date/), both ends
  // included: a date ("2024-07-14") or a local time ("2024-07-14T18:30",
  // "2024-07-14T18:30:05"). to=2024-07-14 includes all of that day.
  std::string from, to;
  std::string camera;  // "<Make> <Model>" as shown in by-camera/
  // A country by name ("Italy") or ISO 3166-1 code ("IT"); region and city
  // by name.
  std::string country, region, city;
  // A substring of the file name, camera, lens or place. Three characters
  // or more use a trigram index; shorter ones scan.
  std::string text;
  int limit = 0;       // 0: no limit
  std::string cursor;  // opaque, from a previous page's next_cursor
};

struct PhotoPage {
  std::vector<Photo> photos;  // newest first (by taken_at, then id)
  std::string next_cursor;    // empty when this is the last page
};

// kInvalidArgument, saying which field and what it accepts, for a bad date
// or time, a negative limit or a cursor this server did not give out.
Status ValidatePhotoQuery(const PhotoQuery& query);

// The first taken_at past `to` (valid): the next day for a date, else past
// every sub-second of that instant. taken_at < EndOfRange(to) is "up to and
// including `to`".
std::string EndOfRange(const std::string& to);

}  // namespace octopus
