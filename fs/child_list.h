// A directory's children in their order (Tree's (name, rank, inode) order,
// given by the caller at each change), kept in chunks of at most kMaxChunk,
// and how many of them are directories (a directory's link count, asked by
// every stat of all/ after a change: counting a million children each time
// cost 50 ms per `rm`).
// Adding or removing one child moves at most a chunk, and finding its place
// is a binary search over the chunks' last children, then within a chunk:
// in all/ of a million photos a change moves 4 KB where one vector moved
// 4 MB (a millisecond per `rm`, the issue 13 bench's target at 1,000,000).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace octopus::fs {

class ChildList {
 public:
  using Index = std::uint32_t;
  static constexpr std::size_t kMaxChunk = 1024;

  class Iterator {
   public:
    Index operator*() const { return (*chunks_)[chunk_][at_]; }
    Iterator& operator++() {
      if (++at_ == (*chunks_)[chunk_].size()) {
        ++chunk_;
        at_ = 0;
      }
      return *this;
    }
    bool operator==(const Iterator& o) const { return chunk_ == o.chunk_ && at_ == o.at_; }

   private:
    friend class ChildList;
    Iterator(const std::vector<std::vector<Index>>* chunks, std::size_t chunk, std::size_t at)
        : chunks_(chunks), chunk_(chunk), at_(at) {}
    const std::vector<std::vector<Index>>* chunks_;
    std::size_t chunk_;
    std::size_t at_;
  };

  Iterator begin() const { return {&chunks_, 0, 0}; }
  Iterator end() const { return {&chunks_, chunks_.size(), 0}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t DirCount() const { return dirs_; }
  void clear() {
    chunks_.clear();
    size_ = 0;
    dirs_ = 0;
  }

  // The first child c for which !less(c, key) (less: (Index, Key) -> bool,
  // consistent with the list's order).
  template <typename Key, typename Less>
  Iterator LowerBound(const Key& key, Less less) const {
    const std::size_t c = ChunkFor([&](Index last) { return less(last, key); });
    if (c == chunks_.size()) return end();
    const std::vector<Index>& chunk = chunks_[c];
    const auto at = std::lower_bound(chunk.begin(), chunk.end(), key, less) - chunk.begin();
    return {&chunks_, c, static_cast<std::size_t>(at)};
  }

  // before: (Index, Index) -> bool, the list's order; is_dir: what `child` is.
  template <typename Before>
  void Insert(Index child, bool is_dir, Before before) {
    ++size_;
    dirs_ += is_dir ? 1 : 0;
    if (chunks_.empty()) {
      chunks_.push_back({child});
      return;
    }
    std::size_t c = ChunkFor([&](Index last) { return before(last, child); });
    if (c == chunks_.size()) --c;  // after every child: at the end of the last chunk
    std::vector<Index>& chunk = chunks_[c];
    chunk.insert(std::lower_bound(chunk.begin(), chunk.end(), child, before), child);
    if (chunk.size() > kMaxChunk) {  // split in two halves
      std::vector<Index> upper(chunk.begin() + static_cast<std::ptrdiff_t>(kMaxChunk / 2),
                               chunk.end());
      chunk.resize(kMaxChunk / 2);
      chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(c) + 1, std::move(upper));
    }
  }

  // False if `child` is not in the list.
  template <typename Before>
  bool Erase(Index child, bool is_dir, Before before) {
    const std::size_t c = ChunkFor([&](Index last) { return before(last, child); });
    if (c == chunks_.size()) return false;
    std::vector<Index>& chunk = chunks_[c];
    const auto it = std::lower_bound(chunk.begin(), chunk.end(), child, before);
    if (it == chunk.end() || *it != child) return false;
    chunk.erase(it);
    --size_;
    dirs_ -= is_dir ? 1 : 0;
    if (chunk.empty()) chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(c));
    return true;
  }

  // Replaces the list by `sorted`, which is in the list's order
  // (is_dir: Index -> bool).
  template <typename IsDir>
  void Assign(const std::vector<Index>& sorted, IsDir is_dir) {
    clear();
    for (const Index child : sorted) dirs_ += is_dir(child) ? 1 : 0;
    for (std::size_t at = 0; at < sorted.size(); at += kMaxChunk / 2) {
      const std::size_t n = std::min(kMaxChunk / 2, sorted.size() - at);
      chunks_.emplace_back(sorted.begin() + static_cast<std::ptrdiff_t>(at),
                           sorted.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    size_ = sorted.size();
  }

  std::vector<Index> ToVector() const {
    std::vector<Index> out;
    out.reserve(size_);
    for (const std::vector<Index>& chunk : chunks_)
      out.insert(out.end(), chunk.begin(), chunk.end());
    return out;
  }

  template <typename Pred, typename IsDir>
  void EraseIf(Pred pred, IsDir is_dir) {
    for (std::vector<Index>& chunk : chunks_) {
      for (const Index child : chunk) dirs_ -= pred(child) && is_dir(child) ? 1 : 0;
      size_ -= std::erase_if(chunk, pred);
    }
    std::erase_if(chunks_, [](const std::vector<Index>& chunk) { return chunk.empty(); });
  }

 private:
  // The first chunk whose last child is not before the sought one
  // (before_last(last) says it is); chunks_.size() if none.
  template <typename BeforeLast>
  std::size_t ChunkFor(BeforeLast before_last) const {
    return static_cast<std::size_t>(std::partition_point(chunks_.begin(), chunks_.end(),
                                                         [&](const std::vector<Index>& chunk) {
                                                           return before_last(chunk.back());
                                                         }) -
                                    chunks_.begin());
  }

  std::vector<std::vector<Index>> chunks_;  // none empty
  std::size_t size_ = 0;
  std::size_t dirs_ = 0;  // children that are directories
};

}  // namespace octopus::fs
