#include "core/timestamps.h"

#include <ctime>
#include <unordered_map>

namespace octopus {
namespace {

// The decimal number in s[at, at + digits), or -1.
int Digits(std::string_view s, std::size_t at, std::size_t digits) {
  if (at + digits > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

}  // namespace

std::optional<std::int64_t> UtcSeconds(std::string_view t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const int year = Digits(t, 0, 4), month = Digits(t, 5, 2), day = Digits(t, 8, 2);
  const int hour = Digits(t, 11, 2), minute = Digits(t, 14, 2), second = Digits(t, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  return ((DaysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
}

std::optional<std::int64_t> OffsetSeconds(std::string_view offset) {
  if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':') {
    return std::nullopt;
  }
  const int hours = Digits(offset, 1, 2), minutes = Digits(offset, 4, 2);
  if (hours < 0 || minutes < 0) return std::nullopt;
  const std::int64_t seconds = (hours * 60 + minutes) * 60;
  return offset[0] == '-' ? -seconds : seconds;
}

std::optional<std::int64_t> LocalSeconds(std::string_view iso) {
  const auto as_utc = UtcSeconds(iso);
  if (!as_utc) return std::nullopt;
  // The zone's offset changes only on the hour (DST, in every zone in use),
  // so mktime is asked once per distinct hour and remembered.
  thread_local std::unordered_map<std::int64_t, std::int64_t> offset_of_hour;
  const std::int64_t hour = *as_utc / 3600 - (*as_utc % 3600 < 0 ? 1 : 0);
  auto it = offset_of_hour.find(hour);
  if (it == offset_of_hour.end()) {
    if (offset_of_hour.size() > 100'000) offset_of_hour.clear();  // bounded
    std::tm tm{};
    const std::time_t at = static_cast<std::time_t>(hour * 3600);
    gmtime_r(&at, &tm);
    tm.tm_isdst = -1;
    const std::time_t local = mktime(&tm);
    if (local == -1) return std::nullopt;
    it = offset_of_hour.emplace(hour, hour * 3600 - static_cast<std::int64_t>(local)).first;
  }
  return *as_utc - it->second;
}

}  // namespace octopus
