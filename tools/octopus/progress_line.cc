#include "tools/octopus/progress_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <vector>

#include "core/config.h"

namespace octopus::cli {
namespace {

// The code point starting at s[i] and its length in bytes; a stray byte
// counts as one code point of one byte (terminals show one replacement
// character for it).
std::pair<char32_t, std::size_t> DecodeAt(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return {b, 1};
  char32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return {b, 1};
    cp = (cp << 6) | (c & 0x3F);
  }
  return {cp, len};
}

std::size_t CodePointWidth(char32_t cp) { return cp >= 0x1100 ? 2 : 1; }

// A file name as it may be printed: control characters (C0, DEL, C1)
// would move the cursor or worse; they become '?'.
std::string Printable(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const auto [cp, len] = DecodeAt(name, i);
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      out += '?';
    } else {
      out.append(name.substr(i, len));
    }
    i += len;
  }
  return out;
}

// The end of `s` that fits in `width` columns, behind "...": the end of a
// file name (its number and extension) tells files apart best.
std::string FitTail(const std::string& s, std::size_t width) {
  if (DisplayWidth(s) <= width) return s;
  if (width < 4) return "";
  std::vector<std::size_t> starts;  // code point boundaries
  for (std::size_t i = 0; i < s.size(); i += DecodeAt(s, i).second) starts.push_back(i);
  std::size_t used = 3, from = s.size();
  for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
    const std::size_t w = CodePointWidth(DecodeAt(s, *it).first);
    if (used + w > width) break;
    used += w;
    from = *it;
  }
  std::string out = "...";
  out.append(s, from);
  return out;
}

std::string Duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) {
    const long sec = s % 60;
    return std::to_string(s / 60) + "m" + (sec < 10 ? "0" : "") + std::to_string(sec) + "s";
  }
  const long min = (s % 3600) / 60;
  return std::to_string(s / 3600) + "h" + (min < 10 ? "0" : "") + std::to_string(min) + "m";
}

}  // namespace

std::size_t DisplayWidth(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto [cp, len] = DecodeAt(utf8, i);
    width += CodePointWidth(cp);
    i += len;
  }
  return width;
}

std::optional<double> EstimateSecondsLeft(const ImportProgress& p) {
  if (p.elapsed_s < 3 || p.bytes_total <= 0 || p.bytes_done <= 0) return std::nullopt;
  if (static_cast<double>(p.bytes_done) < 0.05 * static_cast<double>(p.bytes_total)) {
    return std::nullopt;
  }
  const double rate = static_cast<double>(p.bytes_done) / p.elapsed_s;
  return static_cast<double>(std::max<std::int64_t>(0, p.bytes_total - p.bytes_done)) / rate;
}

std::string FormatProgressLine(const ImportProgress& p, int columns) {
  const std::size_t avail = columns > 1 ? static_cast<std::size_t>(columns - 1) : 0;
  const std::string files =
      std::to_string(p.files_done) + "/" + std::to_string(p.files_total) + " files";
  const std::int64_t read = std::clamp<std::int64_t>(p.bytes_read, 0, p.bytes_total);
  const std::string bytes = FormatSize(read) + " of " + FormatSize(p.bytes_total);
  std::string rate, time;
  if (auto left = EstimateSecondsLeft(p)) {
    rate = FormatSize(static_cast<std::int64_t>(static_cast<double>(p.bytes_done) / p.elapsed_s)) +
           "/s";
    time = Duration(*left) + " left";
  } else {
    time = Duration(p.elapsed_s);  // ticks, so a long decode does not look like a hang
  }

  // The texts in the order shown, dropped from the last of `drop_order`.
  std::vector<std::string> parts = {files, bytes, rate, time};
  auto joined = [&] {
    std::string out;
    for (const auto& part : parts) {
      if (part.empty()) continue;
      if (!out.empty()) out += "  ";
      out += part;
    }
    return out;
  };
  for (int drop : {2, 3, 1}) {  // rate, then time, then bytes
    if (DisplayWidth(joined()) <= avail) break;
    parts[static_cast<std::size_t>(drop)].clear();
  }
  std::string line = joined();
  if (DisplayWidth(line) > avail) return line.substr(0, avail);  // all ASCII

  // The bar: 12 to 32 columns, with its brackets, when there is room.
  const std::size_t room = avail - DisplayWidth(line);
  if (room >= 13) {
    const std::size_t inner = std::min<std::size_t>(30, room - 3);
    const double frac =
        p.bytes_total > 0 ? static_cast<double>(read) / static_cast<double>(p.bytes_total) : 1.0;
    const auto filled =
        std::min(inner, static_cast<std::size_t>(frac * static_cast<double>(inner)));
    std::string bar = "[";
    bar.append(filled, '#').append(inner - filled, '-').append("] ").append(line);
    line = std::move(bar);
  }
  const std::size_t left = avail - DisplayWidth(line);
  if (!p.current.empty() && left >= 2 + 8)
    line.append("  ").append(FitTail(Printable(p.current), left - 2));
  return line;
}

int TerminalColumns(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    int n = 0;
    const std::string_view v(env);
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && p == v.data() + v.size() && n > 0) return n;
  }
  return 80;
}

}  // namespace octopus::cli
