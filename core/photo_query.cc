#include "core/photo_query.h"

#include <cstdio>
#include <ctime>
#include <regex>

#include "core/photo_cursor.h"

namespace octopus {
namespace {

bool IsDate(const std::string& s) {
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  return std::regex_match(s, kDate);
}

bool IsTimestamp(const std::string& s) {
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)");
  return std::regex_match(s, kTime);
}

// A real calendar day (2024-02-30 is not).
bool ValidDay(const std::string& s, std::tm* tm) {
  *tm = {};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d", &tm->tm_year, &tm->tm_mon, &tm->tm_mday) != 3) {
    return false;
  }
  const std::tm asked = *tm;
  tm->tm_year -= 1900;
  tm->tm_mon -= 1;
  std::tm copy = *tm;
  if (timegm(&copy) == -1) return false;
  return copy.tm_year == asked.tm_year - 1900 && copy.tm_mon == asked.tm_mon - 1 &&
         copy.tm_mday == asked.tm_mday;
}

// A real time of day, after the date: "T18:30" or "T18:30:05[.fff]".
bool ValidTimeOfDay(const std::string& s) {
  if (s.size() <= 10) return true;
  int hour = 0, minute = 0, second = 0;
  const int n = std::sscanf(s.c_str() + 10, "T%2d:%2d:%2d", &hour, &minute, &second);
  return n >= 2 && hour < 24 && minute < 60 && second < 60;
}

Status CheckTime(const char* what, const std::string& value) {
  std::tm tm{};
  if ((!IsDate(value) && !IsTimestamp(value)) || !ValidDay(value.substr(0, 10), &tm) ||
      !ValidTimeOfDay(value)) {
    return Status::InvalidArgument(std::string(what) +
                                   " must be a date (2024-07-14) or a local time "
                                   "(2024-07-14T18:30 or 2024-07-14T18:30:05)");
  }
  return Status::Ok();
}

}  // namespace

Status ValidatePhotoQuery(const PhotoQuery& q) {
  if (!q.from.empty()) RETURN_IF_ERROR(CheckTime("from", q.from));
  if (!q.to.empty()) RETURN_IF_ERROR(CheckTime("to", q.to));
  if (q.limit < 0) return Status::InvalidArgument("limit must be a positive integer");
  std::string taken_at, id;
  if (!q.cursor.empty() && !DecodePhotoCursor(q.cursor, &taken_at, &id)) {
    return Status::InvalidArgument("cursor is not one this server gave out");
  }
  return Status::Ok();
}

std::string EndOfRange(const std::string& to) {
  if (!IsDate(to)) return to + "\x7f";  // every taken_at of that instant, sub-seconds too
  std::tm tm{};
  ValidDay(to, &tm);
  tm.tm_mday += 1;
  const std::time_t next = timegm(&tm);
  std::tm out{};
  gmtime_r(&next, &out);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &out);
  return buf;
}

}  // namespace octopus
