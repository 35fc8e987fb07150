#include "fs/photo_ids.h"

namespace octopus::fs {

PhotoIds::Serial PhotoIds::Intern(std::string_view id) {
  if (auto it = index_.find(id); it != index_.end()) return *it;
  const auto serial = static_cast<Serial>(size());
  arena_.append(id);
  at_.push_back(static_cast<std::uint32_t>(arena_.size()));
  index_.insert(serial);
  return serial;
}

std::optional<PhotoIds::Serial> PhotoIds::Find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return *it;
}

}  // namespace octopus::fs
