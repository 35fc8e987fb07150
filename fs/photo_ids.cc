#include "fs/photo_ids.h"

#include <functional>

namespace octopus::fs {

std::uint32_t PhotoIds::HashOf(std::string_view id) {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(id));
}

std::size_t PhotoIds::Probe(std::string_view id, std::uint32_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.serial_plus_one == 0 || (s.hash == hash && IdOf(s.serial_plus_one - 1) == id)) return i;
  }
}

void PhotoIds::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.serial_plus_one == 0) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].serial_plus_one != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

PhotoIds::Serial PhotoIds::Intern(std::string_view id) {
  const std::uint32_t hash = HashOf(id);
  std::size_t at = Probe(id, hash);
  if (slots_[at].serial_plus_one != 0) return slots_[at].serial_plus_one - 1;
  if ((size() + 1) * 2 > slots_.size()) {
    Grow();
    at = Probe(id, hash);
  }
  const auto serial = static_cast<Serial>(size());
  arena_.append(id);
  at_.push_back(static_cast<std::uint32_t>(arena_.size()));
  slots_[at] = {serial + 1, hash};
  return serial;
}

std::optional<PhotoIds::Serial> PhotoIds::Find(std::string_view id) const {
  const Slot& s = slots_[Probe(id, HashOf(id))];
  if (s.serial_plus_one == 0) return std::nullopt;
  return s.serial_plus_one - 1;
}

}  // namespace octopus::fs
