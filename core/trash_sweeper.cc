#include "core/trash_sweeper.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace octopus {

TrashSweeper::TrashSweeper(Library& library, std::chrono::milliseconds every, Clock clock)
    : library_(library), every_(every), clock_(std::move(clock)), thread_([this] { Run(); }) {}

TrashSweeper::~TrashSweeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TrashSweeper::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto purged = library_.PurgeExpiredTrash(clock_());
    if (!purged.ok()) {
      spdlog::warn("trash: cannot purge expired photos: {}", purged.status().ToString());
    } else if (*purged > 0) {
      spdlog::info("trash: purged {} photo(s) past the retention time", *purged);
    }
    lock.lock();
    cv_.wait_for(lock, every_, [this] { return stopping_; });
  }
}

}  // namespace octopus
