#include "core/log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace octopus {

void InitLogging(const Config& config, const std::string& component, bool also_stderr) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::vector<spdlog::sink_ptr> sinks;
  try {
    const auto file = (config.logs_dir() / (component + ".log")).string();
    sinks.push_back(
        std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 10 * 1024 * 1024, 5));
  } catch (const spdlog::spdlog_ex&) {
    also_stderr = true;  // an unwritable log folder must not stop the service
  }
  if (also_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>(component, sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(config.log_level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace octopus
