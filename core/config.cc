#include "core/config.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/random.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Reads KEY=VALUE lines; '#' starts a comment line; values may be quoted.
std::map<std::string, std::string> ReadDotEnv(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("export ", 0) == 0) t = Trim(t.substr(7));
    const auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(t.substr(0, eq));
    std::string value = Trim(t.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[key] = value;
  }
  return out;
}

fs::path DefaultHome() {
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".OctopusPhotos";
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) {
    return fs::path(pw->pw_dir) / ".OctopusPhotos";
  }
  return fs::path("/var/lib/octopus-photos");
}

Status MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string(), ec.value());
  return Status::Ok();
}

// Writes a fresh .env holding a new secret key, mode 0600, atomically
// (O_EXCL: two processes starting at once do not overwrite each other).
Status CreateDotEnv(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IoError("cannot create " + file.string(), errno);
  }
  std::string text =
      "# Octopus Photos settings for this home. See .env.example in the source\n"
      "# tree for every setting. Flags and OCTOPUS_* environment variables win\n"
      "# over this file.\n"
      "OCTOPUS_SECRET_KEY=" +
      RandomHex(32) + "\n";
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return Status::IoError("cannot write .env", err);
  return Status::Ok();
}

Status AppendSecret(const fs::path& file) {
  std::ofstream out(file, std::ios::app);
  out << "OCTOPUS_SECRET_KEY=" << RandomHex(32) << "\n";
  if (!out) return Status::IoError("cannot write " + file.string(), errno);
  return Status::Ok();
}

class Settings {
 public:
  Settings(const Overrides& flags, std::map<std::string, std::string> dotenv)
      : flags_(flags), dotenv_(std::move(dotenv)) {}

  // The first of flag, environment, .env that sets `key`.
  std::optional<std::string> Get(const std::string& key) const {
    if (auto it = flags_.find(key); it != flags_.end()) return it->second;
    if (const char* v = std::getenv(key.c_str()); v != nullptr) return std::string(v);
    if (auto it = dotenv_.find(key); it != dotenv_.end()) return it->second;
    return std::nullopt;
  }

  Status String(const std::string& key, std::string& out) const {
    if (auto v = Get(key)) out = *v;
    return Status::Ok();
  }
  Status Path(const std::string& key, fs::path& out) const {
    if (auto v = Get(key); v && !v->empty()) out = *v;
    return Status::Ok();
  }
  template <typename Int>
  Status Integer(const std::string& key, Int& out, Int min, Int max) const {
    auto v = Get(key);
    if (!v) return Status::Ok();
    Int parsed{};
    const auto* end = v->data() + v->size();
    auto [p, ec] = std::from_chars(v->data(), end, parsed);
    if (ec != std::errc() || p != end || parsed < min || parsed > max) {
      return Status::InvalidArgument(key + ": not a number in range: '" + *v + "'");
    }
    out = parsed;
    return Status::Ok();
  }
  Status Size(const std::string& key, std::int64_t& out) const {
    auto v = Get(key);
    if (!v) return Status::Ok();
    auto size = ParseSize(*v);
    if (!size.ok()) return Status::InvalidArgument(key + ": " + size.status().message());
    out = *size;
    return Status::Ok();
  }
  Status Bool(const std::string& key, bool& out) const {
    auto v = Get(key);
    if (!v) return Status::Ok();
    if (*v == "1" || *v == "true" || *v == "yes" || *v == "on") {
      out = true;
    } else if (*v == "0" || *v == "false" || *v == "no" || *v == "off") {
      out = false;
    } else {
      return Status::InvalidArgument(key + ": expected true or false, got '" + *v + "'");
    }
    return Status::Ok();
  }

 private:
  const Overrides& flags_;
  std::map<std::string, std::string> dotenv_;
};

}  // namespace

bool IsPostgresConnectionString(std::string_view url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return true;
  // libpq's keyword form: "host=/run/postgresql dbname=octopus".
  const auto eq = url.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  return url.substr(0, eq).find_first_not_of("abcdefghijklmnopqrstuvwxyz_ \t") ==
         std::string_view::npos;
}

Result<Config> LoadConfig(const Overrides& flags, HomeUse use) {
  Config c;
  {
    Settings pre(flags, {});
    auto home = pre.Get("OCTOPUS_HOME");
    c.home = (home && !home->empty()) ? fs::path(*home) : DefaultHome();
  }
  c.home = fs::absolute(c.home).lexically_normal();
  if (use == HomeUse::kExisting) {
    // The database is what makes a folder a library: the layout alone is
    // made by any first use, before there is anything in it. On PostgreSQL
    // the database is elsewhere: the storage directory stands for it.
    Settings pre(flags, ReadDotEnv(c.env_path()));
    const bool postgres = !pre.Get("OCTOPUS_DATABASE_URL").value_or("").empty() &&
                          pre.Get("OCTOPUS_DATABASE_URL") != "sqlite:";
    const fs::path marker = postgres ? c.storage_dir() : c.database_path();
    std::error_code ec;
    const bool present = fs::exists(marker, ec);
    if (ec) return Status::IoError("cannot read " + marker.string(), ec.value());
    if (!present) return Status::NotFound("no library at " + c.home.string());
  }
  for (const auto& dir : {c.storage_dir(), c.logs_dir(), c.instance_dir()}) {
    if (Status s = MakeDir(dir); !s.ok()) return s;
  }
  ::chmod(c.home.c_str(), 0700);  // photos are private
  if (Status s = CreateDotEnv(c.env_path()); !s.ok()) return s;
  auto dotenv = ReadDotEnv(c.env_path());
  if (dotenv.find("OCTOPUS_SECRET_KEY") == dotenv.end() || dotenv["OCTOPUS_SECRET_KEY"].empty()) {
    if (Status s = AppendSecret(c.env_path()); !s.ok()) return s;
    dotenv = ReadDotEnv(c.env_path());
  }
  c.places_index = c.home / "data" / "places.idx";
  c.mount_point = c.home.parent_path() / "OctopusPhotos";

  const Settings s(flags, std::move(dotenv));
  for (Status st : {
           s.Size("OCTOPUS_DEFAULT_QUOTA", c.default_quota_bytes),
           s.Integer<std::uint64_t>("OCTOPUS_MAX_PIXELS", c.max_pixels, 1, 1ULL << 40),
           s.Size("OCTOPUS_MAX_UPLOAD", c.max_upload_bytes),
           s.Size("OCTOPUS_MAX_DECODE_MEMORY", c.max_decode_memory),
           s.Integer("OCTOPUS_THUMB_SMALL", c.thumb_small_px, 16, 4096),
           s.Integer("OCTOPUS_THUMB_PREVIEW", c.thumb_preview_px, 16, 8192),
           s.Integer("OCTOPUS_THUMB_QUALITY", c.thumb_quality, 1, 100),
           s.String("OCTOPUS_BIND", c.bind),
           s.Integer("OCTOPUS_PORT", c.port, 0, 65535),
           s.String("OCTOPUS_LOG_LEVEL", c.log_level),
           s.String("OCTOPUS_SECRET_KEY", c.secret_key),
           s.Integer("OCTOPUS_TOKEN_TTL", c.token_ttl_seconds, 60, 30 * 24 * 3600),
           s.Bool("OCTOPUS_OPEN_REGISTRATION", c.open_registration),
           s.Size("OCTOPUS_REGISTRATION_QUOTA", c.registration_quota_bytes),
           s.Integer("OCTOPUS_REGISTRATIONS_PER_HOUR", c.registrations_per_hour, 1, 100'000),
           s.String("OCTOPUS_ADMIN_USER", c.admin_user),
           s.String("OCTOPUS_ADMIN_PASSWORD", c.admin_password),
           s.String("OCTOPUS_CORS_ORIGIN", c.cors_origin),
           s.Integer("OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS", c.max_connections_per_address, 1,
                     100'000),
           s.Integer("OCTOPUS_HEADER_TIMEOUT", c.header_timeout_seconds, 1, 3600),
           s.Integer("OCTOPUS_BODY_TIMEOUT", c.body_timeout_seconds, 1, 3600),
           s.String("OCTOPUS_TRUSTED_PROXIES", c.trusted_proxies),
           s.String("OCTOPUS_ACCEL_REDIRECT", c.accel_redirect),
           s.Path("OCTOPUS_MOUNT", c.mount_point),
           s.Path("OCTOPUS_PLACES_INDEX", c.places_index),
           s.Path("OCTOPUS_PLACES_DATA", c.places_data),
           s.Integer("OCTOPUS_TRASH_DAYS", c.trash_days, 0, 36500),
           s.String("OCTOPUS_DATABASE_URL", c.database_url),
       }) {
    if (!st.ok()) return st;
  }
  if (!c.database_is_sqlite() && !IsPostgresConnectionString(c.database_url)) {
    // Not quoted back: it may hold a password.
    return Status::InvalidArgument(
        "OCTOPUS_DATABASE_URL: expected empty or sqlite: (SQLite under instance/), or "
        "postgresql://USER@HOST/DB or a libpq key=value string");
  }
  if (!c.accel_redirect.empty() &&
      (c.accel_redirect.front() != '/' || c.accel_redirect.back() != '/' ||
       c.accel_redirect.find_first_of("?#%\\ \t\r\n") != std::string::npos)) {
    return Status::InvalidArgument(
        "OCTOPUS_ACCEL_REDIRECT: a location path starting and ending with '/', such as "
        "/_octopus_blobs/");
  }
  if (c.max_decode_memory <= 0) {
    return Status::InvalidArgument("OCTOPUS_MAX_DECODE_MEMORY: must be more than 0");
  }
  if (c.secret_key.size() < 32) {
    return Status::InvalidArgument("OCTOPUS_SECRET_KEY: must be at least 32 characters");
  }
  return c;
}

std::int64_t DefaultMaxDecodeMemory() {
  constexpr std::int64_t kMiB = 1 << 20;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
  const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  const std::int64_t fitted =
      pages > 0 && page_size > 0 ? static_cast<std::int64_t>(pages) * page_size / 4 / cores : 0;
  return std::clamp(fitted, 256 * kMiB, 512 * kMiB);
}

Result<std::int64_t> ParseSize(std::string_view text) {
  std::string t = Trim(text);
  if (t.empty()) return Status::InvalidArgument("empty size");
  std::size_t pos = 0;
  while (pos < t.size() && (std::isdigit(static_cast<unsigned char>(t[pos])) || t[pos] == '.')) {
    ++pos;
  }
  const std::string number = t.substr(0, pos);
  std::string unit = Trim(t.substr(pos));
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  double value = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || p != number.data() + number.size()) {
    return Status::InvalidArgument("not a size: '" + std::string(text) + "' (try 500M, 10G)");
  }
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},
      {"B", 1},
      {"K", 1e3},
      {"KB", 1e3},
      {"M", 1e6},
      {"MB", 1e6},
      {"G", 1e9},
      {"GB", 1e9},
      {"T", 1e12},
      {"TB", 1e12},
      {"KIB", 1024.0},
      {"MIB", 1048576.0},
      {"GIB", 1073741824.0},
      {"TIB", 1099511627776.0},
  };
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) {
      const double bytes = std::round(value * factor);
      if (bytes < 0 || bytes > 9.0e18) return Status::InvalidArgument("size out of range");
      return static_cast<std::int64_t>(bytes);
    }
  }
  return Status::InvalidArgument("unknown size unit '" + unit + "' (use B, K, M, G, T)");
}

std::string FormatSize(std::int64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (std::fabs(v) >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  std::ostringstream out;
  if (u == 0) {
    out << bytes << " B";
  } else {
    // "10 GB", "5.2 MB": one decimal unless the value is whole.
    out.setf(std::ios::fixed);
    out.precision(std::fabs(v - std::round(v)) < 0.05 ? 0 : 1);
    out << v << " " << kUnits[u];
  }
  return out.str();
}

}  // namespace octopus
