// Reading the library's timestamps ("2024-07-14T10:11:12[.fff]", with "Z"
// or an offset after them) fast: a mount reads a million at start-up, and
// sscanf, timegm and mktime per photo were a tenth of that time.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace octopus {

// The "YYYY-MM-DDTHH:MM:SS" at the start of `iso`, read as UTC, in seconds
// since the epoch; nullopt when it is not in that shape.
std::optional<std::int64_t> UtcSeconds(std::string_view iso);

// "+02:00" or "-05:30" in seconds east of UTC; nullopt when not that shape.
std::optional<std::int64_t> OffsetSeconds(std::string_view offset);

// The local time `iso` (no offset) as seconds since the epoch, in this
// machine's time zone (DST included); nullopt when not a timestamp.
std::optional<std::int64_t> LocalSeconds(std::string_view iso);

}  // namespace octopus
