// Owner of the handles the kernel holds between open and release. The
// kernel's file handle is a raw pointer into this registry; when the mount
// stops while a program still has a file open, the kernel never sends the
// release, and the registry frees what is left with the filesystem.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

namespace octopus::fs {

template <typename T>
class HandleRegistry {
 public:
  // Takes ownership; the pointer returned is the kernel's handle. Called
  // before the reply that hands it out, so a release racing the reply
  // always finds it.
  T* Keep(std::unique_ptr<T> h) {
    T* raw = h.get();
    std::lock_guard lock(mu_);
    live_.emplace(raw, std::move(h));
    return raw;
  }
  // Gives ownership back (release, or a reply that failed); null if `raw`
  // is not a live handle.
  std::unique_ptr<T> Take(T* raw) {
    std::lock_guard lock(mu_);
    auto it = live_.find(raw);
    if (it == live_.end()) return nullptr;
    auto h = std::move(it->second);
    live_.erase(it);
    return h;
  }

 private:
  std::mutex mu_;  // a leaf: nothing is called while it is held
  std::unordered_map<T*, std::unique_ptr<T>> live_;
};

}  // namespace octopus::fs
