// octopus import --user NAME PATH...
//
// Walks files and folders, then ingests in parallel (one worker per core)
// through the library's one ingest path. On a terminal, a progress line with
// files, bytes, rate and ETA; always a summary. Exit status 3 when any file
// was refused.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "tools/octopus/cli.h"

namespace octopus::cli {
namespace {

namespace fs = std::filesystem;

struct Job {
  fs::path path;
  std::int64_t size;
};

struct Progress {
  std::atomic<std::size_t> done{0};
  std::atomic<std::int64_t> bytes{0};
  std::atomic<std::size_t> imported{0}, duplicates{0};
  std::mutex mu;
  std::vector<std::string> refused;  // GUARDED_BY(mu)
};

std::string Rate(double bytes_per_s) {
  return FormatSize(static_cast<std::int64_t>(bytes_per_s)) + "/s";
}

void DrawBar(const Progress& p, std::size_t total_files, std::int64_t total_bytes,
             std::chrono::steady_clock::time_point start) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = secs > 0 ? static_cast<double>(p.bytes) / secs : 0;
  const double frac =
      total_bytes > 0 ? static_cast<double>(p.bytes) / static_cast<double>(total_bytes) : 1;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '-');
  std::string eta = "--";
  if (rate > 0 && total_bytes > p.bytes) {
    const auto s = static_cast<long>(static_cast<double>(total_bytes - p.bytes) / rate);
    eta = std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  }
  std::cerr << "\r[" << bar << "] " << p.done << "/" << total_files << " files, "
            << FormatSize(p.bytes) << "/" << FormatSize(total_bytes) << ", " << Rate(rate)
            << ", ETA " << eta << "   " << std::flush;
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
  cmd->add_option("--jobs,-j", args->jobs, "Parallel workers (default: cores + 2)");
  cmd->callback([&ctx, args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto user = lib->FindUser(args->user);
    if (!user.ok()) return ctx.Fail(user.status().message());

    Progress progress;
    std::vector<Job> jobs;
    std::int64_t total_bytes = 0;
    for (const auto& arg : args->paths) {
      std::error_code ec;
      const fs::path root(arg);
      if (fs::is_regular_file(root, ec)) {
        jobs.push_back({root, static_cast<std::int64_t>(fs::file_size(root, ec))});
      } else if (fs::is_directory(root, ec)) {
        for (auto it = fs::recursive_directory_iterator(
                 root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
          if (it->is_regular_file(ec)) {
            jobs.push_back({it->path(), static_cast<std::int64_t>(it->file_size(ec))});
          }
        }
      } else {
        progress.refused.push_back(arg + ": no such file or folder");
      }
    }
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.path < b.path; });
    for (const Job& j : jobs) total_bytes += j.size;

    const bool tty = isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next{0};
    // Two more workers than cores: each photo's ingest also waits for fsync
    // (and, from a camera card, for reads), and a core should not idle then.
    const unsigned workers = args->jobs > 0 ? static_cast<unsigned>(args->jobs)
                                            : std::max(1u, std::thread::hardware_concurrency()) + 2;
    std::atomic<bool> finished{false};
    std::thread painter;
    if (tty) {
      painter = std::thread([&] {
        while (!finished) {
          DrawBar(progress, jobs.size(), total_bytes, start);
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      });
    }
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w) {
      pool.emplace_back([&] {
        for (std::size_t i = next++; i < jobs.size(); i = next++) {
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
          progress.bytes += jobs[i].size;
          ++progress.done;
        }
      });
    }
    for (auto& t : pool) t.join();
    finished = true;
    if (painter.joinable()) {
      painter.join();
      DrawBar(progress, jobs.size(), total_bytes, start);
      std::cerr << "\n";
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "imported " << progress.imported << ", duplicates " << progress.duplicates
              << ", refused " << progress.refused.size() << " (" << jobs.size() << " files, "
              << FormatSize(total_bytes) << " in " << std::fixed << std::setprecision(1) << secs
              << " s)\n";
    for (const auto& r : progress.refused) std::cout << "  refused: " << r << "\n";
    if (!progress.refused.empty()) ctx.exit_code = 3;
  });
}

}  // namespace octopus::cli
