// Logging: spdlog to a rotating file under data/logs (and stderr when asked).
#pragma once

#include <string>

#include "core/config.h"

namespace octopus {

// `component` names the log file: data/logs/<component>.log, rotated at
// 10 MB, 5 files kept. Idempotent.
void InitLogging(const Config& config, const std::string& component, bool also_stderr);

}  // namespace octopus
