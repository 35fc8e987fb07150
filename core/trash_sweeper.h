// Purges what has been in every user's trash longer than OCTOPUS_TRASH_DAYS:
// once when it starts, then every hour, on a thread of its own, in whichever
// process runs (`octopus serve`, `octopus mount`). Several processes
// sweeping one library at once is safe: a photo purged by one is skipped by
// the others (Photos::PurgeTrashedBefore).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/library.h"

namespace octopus {

class TrashSweeper {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit TrashSweeper(Library& library, std::chrono::milliseconds every = std::chrono::hours(1),
                        Clock clock = &std::chrono::system_clock::now);
  ~TrashSweeper();  // stops the thread and waits for it
  TrashSweeper(const TrashSweeper&) = delete;
  TrashSweeper& operator=(const TrashSweeper&) = delete;

 private:
  void Run();

  Library& library_;
  const std::chrono::milliseconds every_;
  const Clock clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace octopus
