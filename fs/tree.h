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
// Not thread-safe: Filesystem guards it with one mutex.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/photo.h"

namespace octopus::fs {

using Ino = std::uint64_t;

enum class Area { kRoot, kAll, kDate, kCamera, kPlace, kImport };
enum class NodeKind { kDir, kPhoto, kStaged };

struct Node {
  Ino ino = 0;
  Ino parent = 0;
  std::string name;
  NodeKind kind = NodeKind::kDir;
  Area area = Area::kRoot;
  bool overlay = false;                 // made by the user; survives rebuilds
  std::map<std::string, Ino> children;  // directories only

  // kPhoto, and kStaged once imported: the photo it shows.
  std::string photo_id;
  std::int64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  // kStaged: the open write handle (0: none); when an imported entry leaves
  // import/ (0: not imported yet).
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

  Node* Find(Ino ino);
  Node* Child(Ino parent, const std::string& name);

  // Replaces the generated part with one built from `photos`; the overlay
  // stays. Returns what the kernel may have cached that is now wrong.
  std::vector<Invalidation> Rebuild(const std::vector<Photo>& photos);

  // Overlay nodes. AddOverlay replaces nothing: the caller checks first.
  Node& AddOverlay(Ino parent, const std::string& name, NodeKind kind, Area area);
  // Removes a node (and, for a directory, what is below it).
  void Remove(Ino ino);
  // Moves a node, replacing an overlay node of the same name at the target.
  void Move(Ino ino, Ino new_parent, const std::string& new_name);
  // Gives the all/ entry of a photo not numbered yet the inode `ino`: a file
  // copied into all/ keeps its inode when it becomes the photo, so the
  // kernel's cached name for it stays right.
  void AdoptAllEntry(const std::string& photo_id, Ino ino);
  // Imported entries whose time in import/ is over.
  std::vector<Invalidation> Expire(std::int64_t now);

  std::int64_t mount_time() const { return mount_time_; }
  // True for import/ and everything below it.
  bool InImport(Ino ino);

 private:
  Ino Number(const std::string& key);
  Node& AddGenerated(std::unordered_map<Ino, Node>& nodes, Ino parent, const std::string& key,
                     const std::string& name, NodeKind kind, Area area);

  std::int64_t mount_time_;
  std::unordered_map<Ino, Node> nodes_;
  std::unordered_map<std::string, Ino> numbers_;  // key -> inode, grows only
  Ino next_ino_ = 100;
};

// The instant a photo was taken, for mtime: the capture time with its offset
// when known, else read as local time; imported_at when there is none.
std::int64_t PhotoTime(const Photo& photo);

}  // namespace octopus::fs
