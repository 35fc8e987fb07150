// Logging: spdlog to a rotating file under data/logs (and stderr when asked).
//
// Flushing: access lines (AccessLog) are buffered and reach the file when
// FlushLogsEverySecond's thread flushes, when the server flushes at stop, or
// with any other line: flushing each one cost a write() per HTTP request.
// Every other line, the service's own, is written at once: they are few,
// and a process without the flusher (the CLI, the mount) then never holds a
// line back. A crash can lose at most the last second of access lines.
#pragma once

#include <string>

#include "core/config.h"

namespace spdlog {
class logger;
}

namespace octopus {

// `component` names the log file: data/logs/<component>.log, rotated at
// 10 MB, 5 files kept; it becomes spdlog's default logger. Also makes the
// access logger (AccessLog). Calling it again replaces both loggers: like
// spdlog::set_default_logger, not while other threads log.
void InitLogging(const Config& config, const std::string& component, bool also_stderr);

// For one line per request: writes to the component's log file only, never
// to stderr, which stays for the service's own messages (as nginx's
// access_log). Without InitLogging (unit tests), the default logger.
// Thread-safe.
spdlog::logger& AccessLog();

// Starts spdlog's flusher thread, which flushes every logger once a second.
// Only a process that writes access lines needs it. Call it after any
// fork() whose child carries on (a daemon forks first): the thread does not
// exist in the child, whose spdlog would still try to join it at exit. And
// after blocking the signals that another thread sigwait()s for, so that
// this thread inherits the mask.
void FlushLogsEverySecond();

}  // namespace octopus
