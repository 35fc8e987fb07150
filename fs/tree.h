// The virtual tree of one user's library: inode numbers, names and kinds.
//
//   /all/  /by-date/...  /by-camera/...  /by-place/...   generated from the
//                                                        photos (core/grouping)
//   /import/...  and files being copied into all/        the overlay: made by
//                                                        the user, kept across
//                                                        rebuilds
//
// Inode numbers are stable for the life of the mount: a node is numbered by
// a key (the view, the folder path and the photo id for a photo), and a key
// keeps its number forever, so renaming a photo keeps its inode and a
// remount recomputes the same names. Numbers are never reused.
//
// Layout (a mount of 100,000 photos has 300,000 to 400,000 nodes, so a node
// is a few bytes, not a heap object): nodes sit in a vector indexed by inode
// number; names are offsets into one character arena; a directory's
// children are a vector of inode numbers sorted by name; a photo node points
// at one record per photo (id, size, mtime) that all its views share. Only
// the overlay keeps per-node heap data. The keys above are stored as
// (parent directory's inode, name) for a folder and (parent directory's
// inode, photo serial) for a photo, where a photo id keeps its serial
// forever: the parent's inode stands for its own key, so this is the same
// numbering as keying by the folder path.
//
// Not thread-safe: Filesystem guards it with one mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/photo.h"

namespace octopus::fs {

using Ino = std::uint64_t;

enum class Area : std::uint8_t { kRoot, kAll, kDate, kCamera, kPlace, kImport };
enum class NodeKind : std::uint8_t { kDir, kPhoto, kStaged };

// What the overlay keeps per node (kStaged files; overlay directories use
// only mtime).
struct OverlayData {
  // kStaged once imported: the photo it shows.
  std::string photo_id;
  std::int64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  // The open write handle (0: none); when an imported entry leaves import/
  // (0: not imported yet).
  std::uint64_t writer = 0;
  std::int64_t expires_at = 0;
};

// A node as the tree shows it, by value. The views (name, photo_id) point
// into the tree: valid until the tree next changes.
struct Node {
  Ino ino = 0;
  Ino parent = 0;
  std::string_view name;
  NodeKind kind = NodeKind::kDir;
  Area area = Area::kRoot;
  bool overlay = false;  // made by the user; survives rebuilds
  std::string_view photo_id;
  std::int64_t size = 0;
  std::int64_t mtime = 0;
  std::uint64_t writer = 0;
  std::int64_t expires_at = 0;
};

// A kernel cache entry to drop after a change: the name `name` in directory
// `parent`, or (name empty) the attributes and contents of inode `ino`.
struct Invalidation {
  Ino parent = 0;
  std::string name;
  Ino ino = 0;
};

class Tree {
 public:
  static constexpr Ino kRoot = 1;  // FUSE_ROOT_ID
  static constexpr Ino kAll = 2, kByDate = 3, kByCamera = 4, kByPlace = 5, kImport = 6;

  explicit Tree(std::int64_t mount_time);

  std::optional<Node> Find(Ino ino) const;
  std::optional<Node> Child(Ino parent, std::string_view name) const;
  // A directory's children in name order (nothing for a file).
  template <typename F>
  void ForEachChild(Ino dir, F&& visit) const {
    for (Index child : ChildrenOf(dir)) visit(NodeAt(child));
  }
  bool HasChildren(Ino dir) const { return !ChildrenOf(dir).empty(); }
  std::size_t ChildCount(Ino dir) const { return ChildrenOf(dir).size(); }
  std::size_t SubdirCount(Ino dir) const;
  // The overlay's own data of a node; null for a generated node.
  OverlayData* Overlay(Ino ino);

  // Replaces the generated part with one built from `photos`; the overlay
  // stays. Returns what the kernel may have cached that is now wrong.
  std::vector<Invalidation> Rebuild(const std::vector<Photo>& photos);

  // Overlay nodes. AddOverlay replaces nothing: the caller checks first.
  Node AddOverlay(Ino parent, std::string_view name, NodeKind kind, Area area);
  // Removes a node (and, for a directory, what is below it).
  void Remove(Ino ino);
  // Moves a node, replacing an overlay node of the same name at the target.
  void Move(Ino ino, Ino new_parent, std::string_view new_name);
  // Gives the all/ entry of a photo not numbered yet the inode `ino`: a file
  // copied into all/ keeps its inode when it becomes the photo, so the
  // kernel's cached name for it stays right.
  void AdoptAllEntry(std::string_view photo_id, Ino ino);
  // Imported entries whose time in import/ is over.
  std::vector<Invalidation> Expire(std::int64_t now);

  std::int64_t mount_time() const { return mount_time_; }
  // True for import/ and everything below it.
  bool InImport(Ino ino) const;

 private:
  // Inode numbers inside the tree: a number indexes a vector, so it is far
  // below 2^32 long before memory runs out.
  using Index = std::uint32_t;
  static constexpr Index kNone = 0xffffffff;

  struct Slot {
    Index parent = 0;
    Index name = 0;  // offset into Layout::names
    std::uint16_t name_size = 0;
    NodeKind kind = NodeKind::kDir;
    Area area = Area::kRoot;
    bool live = false;
    bool overlay = false;
    Index data = kNone;  // kDir: index into Layout::dirs; kPhoto: into Layout::photos
  };
  struct PhotoRecord {
    Index serial = 0;  // into ids_
    std::int64_t size = 0;
    std::int64_t mtime = 0;
  };
  // Everything a rebuild replaces.
  struct Layout {
    std::vector<Slot> slots;               // by inode number; numbers not in use are not live
    std::string names;                     // every node's name, back to back
    std::vector<std::vector<Index>> dirs;  // each directory's children, by name
    std::vector<PhotoRecord> photos;
  };

  Node NodeAt(Index ino) const;
  const Slot* SlotOf(Ino ino) const;
  static std::string_view NameOf(const Layout& layout, const Slot& s) {
    return std::string_view(layout.names).substr(s.name, s.name_size);
  }
  const std::vector<Index>& ChildrenOf(Ino dir) const;
  static Index AppendName(Layout& layout, std::string_view name);
  // Links `ino` under its slot's parent, replacing an entry of the same name.
  static void Link(Layout& layout, Index ino);
  // Unlinks `ino` from its parent if the parent's entry of its name is it.
  void Unlink(Index ino);
  Slot& Place(Layout& layout, Index ino);

  Index Serial(std::string_view photo_id);
  Index NumberPhoto(Index dir, Index serial);
  Index NumberDir(Index parent, std::string_view name);
  Index AddGeneratedDir(Layout& layout, Index parent, std::string_view name, Area area);

  std::int64_t mount_time_;
  Layout layout_;
  std::unordered_map<Index, OverlayData> overlay_;
  // Grow-only, for stable numbers.
  std::deque<std::string> ids_;  // photo serial -> id (a deque: views stay valid)
  std::unordered_map<std::string_view, Index> serials_;         // id -> serial, views into ids_
  std::unordered_map<std::uint64_t, Index> photo_numbers_;      // (dir, serial) -> inode
  std::map<std::pair<Index, std::string>, Index> dir_numbers_;  // (parent, name) -> inode
  Index next_ino_ = 100;
};

// The instant a photo was taken, for mtime: the capture time with its offset
// when known, else read as local time; imported_at when there is none.
std::int64_t PhotoTime(const Photo& photo);

}  // namespace octopus::fs
