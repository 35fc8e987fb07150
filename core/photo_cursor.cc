#include "core/photo_cursor.h"

#include "core/random.h"

namespace octopus {

std::string EncodePhotoCursor(const std::string& taken_at, const std::string& id) {
  const std::string raw = taken_at + '\n' + id;
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

bool DecodePhotoCursor(const std::string& cursor, std::string* taken_at, std::string* id) {
  if (cursor.size() % 2 != 0 || cursor.size() > 512) return false;
  std::string raw;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    unsigned v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = cursor[i + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else
        return false;
    }
    raw.push_back(static_cast<char>(v));
  }
  const auto nl = raw.find('\n');
  if (nl == std::string::npos) return false;
  *taken_at = raw.substr(0, nl);
  *id = raw.substr(nl + 1);
  return true;
}

}  // namespace octopus
