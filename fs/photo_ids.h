// Photo ids interned as small serial numbers, for the mount's tree: a
// million photos' ids sit back to back in one arena (32 bytes each) with a
// hash index of serials, instead of a million heap strings and a map of
// them (about half the memory).
//
// Not thread-safe: the tree's mutex guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace octopus::fs {

class PhotoIds {
 public:
  using Serial = std::uint32_t;

  PhotoIds() : index_(16, Hash{this}, Equal{this}) {}
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
  // Hash and equality over serials and ids alike, so that a lookup by id
  // needs no copy (heterogeneous lookup); both read the arena.
  struct Hash {
    using is_transparent = void;
    const PhotoIds* ids;
    std::size_t operator()(Serial s) const { return (*this)(ids->IdOf(s)); }
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  struct Equal {
    using is_transparent = void;
    const PhotoIds* ids;
    std::string_view View(Serial s) const { return ids->IdOf(s); }
    std::string_view View(std::string_view id) const { return id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };

  std::string arena_;
  std::vector<std::uint32_t> at_{0};  // serial s is arena_[at_[s], at_[s + 1])
  std::unordered_set<Serial, Hash, Equal> index_;
};

}  // namespace octopus::fs
