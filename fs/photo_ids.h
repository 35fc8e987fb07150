// Photo ids interned as small serial numbers, for the mount's tree: a
// million photos' ids sit back to back in one arena (32 bytes each) with an
// open-addressing index of serials (8 bytes a slot, at most half full),
// instead of a million heap strings and a map of them. Serials are never
// removed, so the index needs no deletion: a node-based hash set of them
// cost 40 MB and a tenth of a million-photo mount's start-up.
//
// Not thread-safe: the tree's mutex guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace octopus::fs {

class PhotoIds {
 public:
  using Serial = std::uint32_t;

  PhotoIds() = default;
  PhotoIds(const PhotoIds&) = delete;
  PhotoIds& operator=(const PhotoIds&) = delete;

  // The id's serial, numbering it if it is new. Serials are never reused.
  Serial Intern(std::string_view id);
  std::optional<Serial> Find(std::string_view id) const;
  std::string_view IdOf(Serial serial) const {
    return std::string_view(arena_).substr(at_[serial], at_[serial + 1] - at_[serial]);
  }
  std::size_t size() const { return at_.size() - 1; }

 private:
  struct Slot {
    std::uint32_t serial_plus_one = 0;  // 0: empty
    std::uint32_t hash = 0;             // the id's hash, low 32 bits
  };
  static std::uint32_t HashOf(std::string_view id);
  // The slot holding `id`, or the empty slot where it would go.
  std::size_t Probe(std::string_view id, std::uint32_t hash) const;
  void Grow();

  std::string arena_;
  std::vector<std::uint32_t> at_{0};                 // serial s is arena_[at_[s], at_[s + 1])
  std::vector<Slot> slots_ = std::vector<Slot>(16);  // a power of two
};

}  // namespace octopus::fs
