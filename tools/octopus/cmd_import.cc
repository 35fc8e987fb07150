// octopus import --user NAME [-j N] PATH...
//
// Walks files and folders, then ingests in parallel (cores + 2 workers)
// through the library's one ingest path. Camera companions (videos,
// sidecars, system files: core/companion_files.h) are skipped, not
// refused. On a terminal, a progress line (progress_line.h); always a
// summary. Exit status 3 when any file was refused; 1, before anything is
// imported, when a PATH does not exist.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "core/companion_files.h"
#include "tools/octopus/cli.h"
#include "tools/octopus/progress_line.h"

namespace octopus::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxJobs = 64;

struct Job {
  fs::path path;
  std::int64_t size;
};

// What the walk found: files to ingest, companions skipped by kind, and the
// paths it could not read.
struct Walk {
  std::vector<Job> jobs;
  std::map<CompanionKind, std::size_t> skipped;
  std::vector<std::string> errors;

  void Add(const fs::path& file, std::int64_t size) {
    const CompanionKind kind = ClassifyCompanion(file.filename().string());
    if (kind != CompanionKind::kNone) {
      ++skipped[kind];
    } else {
      jobs.push_back({file, size});
    }
  }
  std::size_t skipped_total() const {
    std::size_t n = 0;
    for (const auto& [kind, count] : skipped) n += count;
    return n;
  }
};

Walk WalkPaths(const std::vector<std::string>& paths) {
  Walk walk;
  for (const auto& arg : paths) {
    std::error_code ec;
    const fs::path root(arg);
    const auto status = fs::status(root, ec);
    if (fs::is_regular_file(status)) {
      walk.Add(root, static_cast<std::int64_t>(fs::file_size(root, ec)));
    } else if (fs::is_directory(status)) {
      for (auto it = fs::recursive_directory_iterator(
               root, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) {
          walk.Add(it->path(), static_cast<std::int64_t>(it->file_size(ec)));
        }
      }
      if (ec) walk.errors.push_back("cannot read " + arg + ": " + ec.message());
    } else if (ec == std::errc::no_such_file_or_directory || !fs::exists(status)) {
      walk.errors.push_back("no such file or folder: " + arg);
    } else if (ec) {
      walk.errors.push_back("cannot read " + arg + ": " + ec.message());
    } else {
      walk.errors.push_back("not a file or folder: " + arg);
    }
  }
  std::sort(walk.jobs.begin(), walk.jobs.end(),
            [](const Job& a, const Job& b) { return a.path < b.path; });
  return walk;
}

struct Progress {
  std::atomic<std::size_t> done{0};
  std::atomic<std::int64_t> bytes_read{0}, bytes_done{0};
  std::atomic<std::size_t> imported{0}, duplicates{0};
  // Taken after the painter's mutex when both are held (draw() under it).
  std::mutex mu;
  std::vector<std::string> refused;  // GUARDED_BY(mu)
  std::string current;               // GUARDED_BY(mu): the file most recently started
};

// Reads the file through once, counting its bytes as they come, so that the
// progress line moves while a large file (or a slow card) is read. The
// ingest that follows maps the same pages from the cache: the cost is one
// copy within memory, not a second read from the disk.
void ReadThrough(const fs::path& file, std::atomic<std::int64_t>& counter) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // the ingest reports it
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  thread_local std::vector<char> buf(1 << 18);
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) counter += n;
  ::close(fd);
}

std::string SkippedDetail(const Walk& walk) {
  std::string out;
  for (const auto& [kind, count] : walk.skipped) {
    if (!out.empty()) out += ", ";
    out += std::to_string(count) + " " + CompanionKindName(kind) + (count > 1 ? "s" : "");
  }
  return out;
}

}  // namespace

void AddImportCommand(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string user;
    std::vector<std::string> paths;
    int jobs = 0;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("import", "Import photos from files and folders");
  cmd->add_option("--user,-u", args->user, "Owner of the imported photos")->required();
  cmd->add_option("PATH", args->paths, "Files or folders (recursive)")->required();
  cmd->add_option("--jobs,-j", args->jobs, "Parallel workers, 1 to 64 (default: cores + 2)")
      ->check(CLI::Range(1, kMaxJobs));
  cmd->callback([&ctx, args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto user = lib->FindUser(args->user);
    if (!user.ok()) return ctx.Fail(user.status().message());

    // A path that is not there is a mistake in the command, not a refused
    // photo: say so before importing anything.
    const Walk walk = WalkPaths(args->paths);
    if (!walk.errors.empty()) {
      for (std::size_t i = 0; i + 1 < walk.errors.size(); ++i) ctx.Fail(walk.errors[i]);
      return ctx.Fail(walk.errors.back() + " (nothing imported)");
    }
    // Once the command is known to be right: a first use builds the index.
    ctx.places = LoadPlaces(*lib, /*tell_stderr=*/true);
    const std::vector<Job>& jobs = walk.jobs;
    std::int64_t total_bytes = 0;
    for (const Job& j : jobs) total_bytes += j.size;

    Progress progress;
    const bool tty = isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    auto snapshot = [&] {
      ImportProgress p;
      p.files_done = progress.done;
      p.files_total = jobs.size();
      p.bytes_read = progress.bytes_read;
      p.bytes_done = progress.bytes_done;
      p.bytes_total = total_bytes;
      p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard lock(progress.mu);
      p.current = progress.current;
      return p;
    };
    std::size_t drawn_width = 0;
    auto draw = [&] {
      const std::string line = FormatProgressLine(snapshot(), TerminalColumns(STDERR_FILENO));
      const std::size_t width = DisplayWidth(line);
      // Spaces over what is left of a longer previous line.
      std::cerr << "\r" << line << std::string(drawn_width > width ? drawn_width - width : 0, ' ')
                << std::flush;
      drawn_width = width;
    };

    std::atomic<std::size_t> next{0};
    // Two more workers than cores: each photo's ingest also waits for fsync
    // (and, from a camera card, for reads), and a core should not idle then.
    const unsigned workers = args->jobs > 0 ? static_cast<unsigned>(args->jobs)
                                            : std::max(1u, std::thread::hardware_concurrency()) + 2;
    std::mutex painter_mu;
    std::condition_variable painter_cv;
    bool finished = false;  // GUARDED_BY(painter_mu)
    std::thread painter;
    if (tty) {
      painter = std::thread([&] {
        std::unique_lock lock(painter_mu);
        while (!finished) {
          draw();
          painter_cv.wait_for(lock, std::chrono::milliseconds(200));
        }
      });
    }
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w) {
      pool.emplace_back([&] {
        for (std::size_t i = next++; i < jobs.size(); i = next++) {
          {
            std::lock_guard lock(progress.mu);
            progress.current = jobs[i].path.filename().string();
          }
          ReadThrough(jobs[i].path, progress.bytes_read);
          IngestRequest req;
          req.source = jobs[i].path;
          req.filename = jobs[i].path.filename().string();
          auto r = lib->Ingest(user->id, req);
          if (!r.ok()) {
            std::lock_guard lock(progress.mu);
            progress.refused.push_back(jobs[i].path.string() + ": " + r.status().message());
          } else if (r->outcome == IngestOutcome::kDuplicate) {
            ++progress.duplicates;
          } else {
            ++progress.imported;
          }
          progress.bytes_done += jobs[i].size;
          ++progress.done;
        }
      });
    }
    for (auto& t : pool) t.join();
    if (painter.joinable()) {
      {
        std::lock_guard lock(painter_mu);
        finished = true;
      }
      painter_cv.notify_all();
      painter.join();
      {
        std::lock_guard lock(progress.mu);
        progress.current.clear();
      }
      draw();
      std::cerr << "\n";
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "imported " << progress.imported << ", duplicates " << progress.duplicates
              << ", refused " << progress.refused.size() << ", skipped " << walk.skipped_total()
              << " (" << jobs.size() + walk.skipped_total() << " files, " << FormatSize(total_bytes)
              << " in " << std::fixed << std::setprecision(1) << secs << " s)\n";
    if (!walk.skipped.empty()) {
      std::cout << "  skipped: " << SkippedDetail(walk)
                << " (camera companions: not photos, see README)\n";
    }
    std::sort(progress.refused.begin(), progress.refused.end());
    for (const auto& r : progress.refused) std::cout << "  refused: " << r << "\n";
    if (!progress.refused.empty()) ctx.exit_code = 3;
  });
}

}  // namespace octopus::cli
