#include "core/log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace octopus {
namespace {

std::mutex g_init_mu;
// The access logger is not in spdlog's registry: it carries the component's
// name, so its lines look as they did when they went through the default
// logger, and a registry name is unique. It needs no flushing of its own:
// its file sink is the default logger's, which the registry flushes.
std::shared_ptr<spdlog::logger> g_access;  // GUARDED_BY(g_init_mu)
std::atomic<spdlog::logger*> g_access_raw{nullptr};

}  // namespace

void InitLogging(const Config& config, const std::string& component, bool also_stderr) {
  std::lock_guard lock(g_init_mu);
  spdlog::sink_ptr file;
  try {
    const auto path = (config.logs_dir() / (component + ".log")).string();
    file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, 10 * 1024 * 1024, 5);
  } catch (const spdlog::spdlog_ex&) {
    also_stderr = true;  // an unwritable log folder must not stop the service
  }
  spdlog::sink_ptr err;
  if (also_stderr) err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();

  std::vector<spdlog::sink_ptr> sinks;
  if (file) sinks.push_back(file);
  if (err) sinks.push_back(err);
  const auto level = spdlog::level::from_str(config.log_level);
  auto logger = std::make_shared<spdlog::logger>(component, sinks.begin(), sinks.end());
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  // Without a file, stderr is the only place access lines can go.
  auto access = std::make_shared<spdlog::logger>(component, file ? file : err);
  access->set_level(level);
  access->flush_on(spdlog::level::warn);  // info lines wait (core/log.h)

  spdlog::set_default_logger(logger);
  g_access_raw.store(access.get(), std::memory_order_release);
  g_access = std::move(access);
}

spdlog::logger& AccessLog() {
  spdlog::logger* access = g_access_raw.load(std::memory_order_acquire);
  return access != nullptr ? *access : *spdlog::default_logger_raw();
}

void FlushLogsEverySecond() { spdlog::flush_every(std::chrono::seconds(1)); }

}  // namespace octopus
