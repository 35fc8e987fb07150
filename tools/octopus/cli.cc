#include "tools/octopus/cli.h"

#include <dirent.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <iostream>

#include "core/image/jpeg_codec.h"
#include "core/log.h"
#include "tools/octopus/places_data.h"

namespace octopus::cli {

Result<Config> CliContext::LoadConfig(HomeUse home) {
  auto config = octopus::LoadConfig(overrides, home);
  // Every command loads its settings before it starts a thread: the one
  // safe moment to set the environment.
  if (config.ok()) {
    image::SetProcessJpegMemoryLimit(static_cast<std::uint64_t>(config->max_decode_memory));
  }
  return config;
}

std::unique_ptr<Library> CliContext::OpenLibrary(const OpenOptions& options) {
  auto config = LoadConfig(options.home);
  if (!config.ok()) {
    Fail(config.status().ToString());
    return nullptr;
  }
  InitLogging(*config, options.log, options.log_to_stderr);
  auto lib = Library::Open(*config);
  if (!lib.ok()) {
    Fail(lib.status().ToString());
    return nullptr;
  }
  if (options.places) places = LoadPlaces(**lib, !options.log_to_stderr);
  return std::move(lib).value();
}

std::unique_ptr<places::PlaceIndex> LoadPlaces(Library& library, bool tell_stderr) {
  const Config& config = library.config();
  const auto& file = config.places_index;
  // Each event once: in the log, and on stderr unless the log goes there.
  auto say = [&](spdlog::level::level_enum level, const std::string& message) {
    spdlog::log(level, "{}", message);
    if (tell_stderr) std::cerr << "octopus: " << message << "\n";
  };
  auto index = places::OpenPlaceIndex(file);
  if (!index.ok() && index.status().code() == Code::kNotFound) {
    auto data = FindPlacesData(config);
    if (!data.ok()) {
      say(spdlog::level::info,
          "no places index, so photos get no place: " + data.status().message() +
              "; build it with `octopus places build --from DIR`");
      return nullptr;
    }
    // A first use: the index costs a few seconds to build, once per home.
    say(spdlog::level::info,
        "building the places index " + file.string() + " from " + data->Describe() + " (once)");
    auto built = BuildPlacesIndex(*data, file);
    if (!built.ok()) {
      say(spdlog::level::warn,
          "cannot build the places index, so photos get no place: " + built.status().message());
      return nullptr;
    }
    index = places::OpenPlaceIndex(file);
  }
  if (!index.ok()) {
    say(spdlog::level::warn, "places disabled: " + index.status().message() +
                                 "; rebuild it with `octopus places build --force`");
    return nullptr;
  }
  spdlog::info("places index {} ({} places)", file.string(), (*index)->size());
  library.SetPlaceIndex(index->get());
  return std::move(index).value();
}

Status CheckMountPoint(const std::filesystem::path& where) {
  std::filesystem::path dir = std::filesystem::absolute(where).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "mnt/": its parent is not mnt
  struct stat mp {};
  struct stat parent {};
  if (::stat(dir.c_str(), &mp) != 0) {
    const int err = errno;
    if (err == ENOTCONN) {
      return Status(Code::kIoError,
                    dir.string() + " is a mount whose process has died; clear it with `octopus " +
                        "umount " + dir.string() + "`",
                    err);
    }
    return Status::IoError("cannot mount on " + dir.string(), err);
  }
  if (!S_ISDIR(mp.st_mode)) return Status::InvalidArgument(dir.string() + " is not a folder");
  // Checked before emptiness: a mount there is not empty either, and
  // "busy" says what is wrong.
  if (::stat(dir.parent_path().c_str(), &parent) == 0 && parent.st_dev != mp.st_dev) {
    return Status::Busy(dir.string() + " is busy: something is already mounted there");
  }
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return Status::IoError("cannot mount on " + dir.string(), errno);
  while (const dirent* e = ::readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") {
      return Status::InvalidArgument(dir.string() +
                                     " is not empty: mounting on it would hide its files; "
                                     "choose an empty folder");
    }
  }
  return Status::Ok();
}

void CliContext::Fail(const std::string& message, int code) {
  std::cerr << "octopus: " << message << "\n";
  exit_code = code;
}

}  // namespace octopus::cli
