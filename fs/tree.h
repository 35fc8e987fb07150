// The virtual tree of one user's library: inode numbers, names and kinds.
//
//   /all/  /by-date/...  /by-camera/...  /by-place/...   generated from the
//                                                        photos (core/grouping)
//   /trash/  and /.Trash-UID/files/                      the trashed photos,
//                                                        twice: for people and
//                                                        for the desktop's
//                                                        trash protocol
//   /import/...  and files being copied into all/        the overlay: made by
//                                                        the user, kept across
//                                                        rebuilds
//
// Changes cost what they change. A photo added, removed or changed (Upsert,
// RemovePhoto) touches its own nodes, the folders it leaves and enters, and
// the names of the photos of those folders that share its name family
// (core/grouping.h, NameFamily); the kernel is told to forget exactly what
// changed (TakeInvalidations). A full build (Rebuild) is for start-up and
// for a reader that fell behind the change feed; it gives the same tree,
// inode numbers included, as the same changes made one at a time
// (tests/fs/tree_test.cc checks the two against each other).
//
// Inode numbers. A photo keeps the inode of its entry in a view while it
// stays in the same folder of that view: renaming it, changing its size or
// removing it and bringing it back (the trash) keeps the number; moving it
// to another folder (a corrected date or place) gives its entry a new one.
// A generated folder is numbered by (parent folder, name) for the life of
// the mount, so it keeps its number when it empties and fills again.
// Numbers are never given to anything else, except that a number the
// kernel already holds for a name may be handed over (AdoptEntry): a file
// copied into all/ to the photo it became, a photo's entry in the trash to
// its entry in all/ when it is moved back (and the other way round).
//
// Names in a folder are unique, but a folder may hold a node whose name is
// shown over another's: a folder over a photo of the same name (a country's
// own photos beside its regions in by-place/), a file being copied into
// all/ over the photo whose name it took. Children are kept sorted by
// (name, rank, inode) with folders first, then the overlay, then photos;
// only the first of a name is visible.
//
// Layout (a mount of a million photos has four million nodes, so a node is
// a few bytes, not a heap object): nodes sit in a vector indexed by inode
// number; names are offsets into one character arena; a directory's
// children are a vector of inode numbers; a photo's size, time, import
// order, base name, folders and entries are kept once in a record that all
// its views point at.
//
// Not thread-safe: Filesystem guards it with one mutex. (EndRebuild runs
// its own threads, joined before it returns.)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/photo.h"
#include "fs/child_list.h"
#include "fs/photo_ids.h"

namespace octopus::fs {

using Ino = std::uint64_t;

// kTrash: trash/ and .Trash-UID/ with its files/; kTrashInfo: its info/.
enum class Area : std::uint8_t { kRoot, kAll, kDate, kCamera, kPlace, kImport, kTrash, kTrashInfo };
// kStaged: a file copied in (import/, or all/ while being written);
// kScratch: a file the desktop's trash protocol writes into info/, kept
// only so that the protocol's steps succeed (its bytes are not kept).
enum class NodeKind : std::uint8_t { kDir, kPhoto, kStaged, kScratch };

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
  // A copy under rsync's temporary name that was refused: the errno its
  // rename to the final name gets (see Filesystem::Flush).
  int refused = 0;
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
  std::int64_t trashed = 0;  // a photo in the trash: when it went there
};

// A kernel cache entry to drop after a change: the name `name` in directory
// `parent`, or (name empty) the attributes and contents of inode `ino`.
struct Invalidation {
  Ino parent = 0;
  std::string name;
  Ino ino = 0;
  bool operator==(const Invalidation&) const = default;
};

class Tree {
 public:
  static constexpr Ino kRoot = 1;  // FUSE_ROOT_ID
  static constexpr Ino kAll = 2, kByDate = 3, kByCamera = 4, kByPlace = 5, kImport = 6;
  static constexpr Ino kTrash = 7, kDesktopTrash = 8, kDesktopTrashFiles = 9,
                       kDesktopTrashInfo = 10;
  static constexpr Ino kLastFixed = 10;  // the folders every mount has

  // `desktop_trash`: the name of the desktop's trash folder at the top,
  // ".Trash-UID" for the mounting user (the freedesktop.org Trash spec).
  explicit Tree(std::int64_t mount_time, std::string_view desktop_trash = ".Trash-0");

  std::optional<Node> Find(Ino ino) const;
  // The visible child of that name.
  std::optional<Node> Child(Ino parent, std::string_view name) const;
  // A directory's visible children in name order (nothing for a file).
  template <typename F>
  void ForEachChild(Ino dir, F&& visit) const {
    std::string_view previous;
    bool first = true;
    for (const Index kid : ChildrenOf(dir)) {
      const std::string_view name = NameOf(kid);
      if (!first && name == previous) continue;  // shown under the other
      first = false;
      previous = name;
      visit(NodeAt(kid));
    }
  }
  bool HasChildren(Ino dir) const { return !ChildrenOf(dir).empty(); }
  // At least the number of visible children (a bound, for reserving).
  std::size_t ChildCount(Ino dir) const { return ChildrenOf(dir).size(); }
  std::size_t SubdirCount(Ino dir) const;
  // The overlay's own data of a node; null for a generated node.
  OverlayData* Overlay(Ino ino);
  // True for import/ and everything below it.
  bool InImport(Ino ino) const;
  // The path of a node below import/ ("DCIM/IMG_0001.JPG"); empty for
  // import/ itself and for anything not below it.
  std::string PathInImport(Ino ino) const;
  std::int64_t mount_time() const { return mount_time_; }
  bool HasPhoto(std::string_view photo_id) const;

  // --- the generated part ---
  // A full build: BeginRebuild, AddToRebuild for every photo (streamed: the
  // tree keeps only its compact record of each), EndRebuild. Photos not
  // added are gone afterwards; the overlay stays.
  void BeginRebuild();
  void AddToRebuild(const Photo& photo);
  void EndRebuild();
  // The same for a list, returning what the kernel must forget.
  std::vector<Invalidation> Rebuild(const std::vector<Photo>& photos);
  // One photo added or changed, or removed (absent: nothing happens).
  void Upsert(const Photo& photo);
  void RemovePhoto(std::string_view photo_id);

  // --- the overlay ---
  // AddOverlay replaces nothing: the caller checks first.
  Node AddOverlay(Ino parent, std::string_view name, NodeKind kind, Area area);
  // Removes a node (and, for a directory, what is below it).
  void Remove(Ino ino);
  // Moves a node, replacing an overlay node of the same name at the target.
  void Move(Ino ino, Ino new_parent, std::string_view new_name);
  // The kernel renamed inode `ino` to the entry of photo `photo_id` in the
  // top folder `top` (all/, trash/ or .Trash-UID/files/): that entry takes
  // the number (once `ino` is free), so the kernel's name for it stays
  // right. For a file copied into all/ that became the photo (removed from
  // the overlay first), and for a photo moved to the trash or back.
  void AdoptEntry(std::string_view photo_id, Ino ino, Ino top);
  // Removes imported entries whose time in import/ is over, and folders of
  // the views that emptied and lingered long enough; returns what the
  // kernel must forget of them (kept apart from TakeInvalidations').
  std::vector<Invalidation> Expire(std::int64_t now);
  // A folder of a view that has emptied goes at once (rmdir). Nothing
  // happens to any other node.
  void RemoveEmptyFolder(Ino ino);
  // How long a folder of a view stays, empty, after its last photo went.
  static constexpr std::int64_t kEmptiedLingerSeconds = 60;

  // What the kernel must forget after the changes made since the last call
  // (Rebuild and Expire return theirs directly).
  std::vector<Invalidation> TakeInvalidations();

 private:
  // Inode numbers inside the tree: a number indexes a vector, so it is far
  // below 2^32 long before memory runs out.
  using Index = std::uint32_t;
  static constexpr Index kNone = 0xffffffff;
  // all/, by-date/, by-camera/, by-place/, then trash/ and
  // .Trash-UID/files/ (a photo is in the first four or the last two).
  static constexpr int kViews = 6;

  struct Slot {
    Index parent = 0;
    Index name = 0;  // offset into names_
    std::uint16_t name_size = 0;
    NodeKind kind = NodeKind::kDir;
    Area area = Area::kRoot;
    bool live = false;
    bool overlay = false;
    Index data = kNone;  // kDir: index into dirs_; kPhoto: the photo's serial
  };
  // One per photo ever seen (by serial), live while the photo exists. A
  // removed photo's record keeps its folders and entry numbers, so that it
  // gets them back if it returns.
  struct PhotoRecord {
    std::int64_t size = 0;
    std::int64_t mtime = 0;
    std::int64_t order = 0;    // ImportOrder: who keeps a shared name
    std::int64_t trashed = 0;  // seconds since the epoch; 0: not in the trash
    Index base = 0;            // SafeFileName(filename), offset into names_
    std::uint16_t base_size = 0;
    bool live = false;
    std::array<Index, kViews> folder{kNone, kNone, kNone, kNone, kNone, kNone};
    std::array<Index, kViews> entry{kNone, kNone, kNone, kNone, kNone, kNone};
  };
  // Where a photo belongs: per view, its folder (kNone: not listed there).
  using Placement = std::array<Index, kViews>;

  Node NodeAt(Index ino) const;
  const Slot* SlotOf(Ino ino) const;
  std::string_view NameOf(Index ino) const {
    const Slot& s = slots_[ino];
    return std::string_view(names_).substr(s.name, s.name_size);
  }
  std::string_view BaseOf(const PhotoRecord& r) const {
    return std::string_view(names_).substr(r.base, r.base_size);
  }
  const ChildList& ChildrenOf(Ino dir) const;
  ChildList& MutableChildrenOf(Index dir) { return dirs_[slots_[dir].data]; }
  // (name, rank, inode): the order of a directory's children.
  bool Before(Index a, Index b) const;
  Index AppendName(std::string_view name);
  void SetName(Index ino, std::string_view name);
  Slot& SlotFor(Index ino);
  Index NewDirData();
  // Sorts a directory's children into their order (see Before).
  void SortChildren(std::vector<Index>* kids) const;
  // Links `ino` into its slot's parent in order / unlinks it.
  void Link(Index ino);
  void Unlink(Index ino);
  void Invalidate(Index parent, std::string_view name) {
    inval_.push_back({parent, std::string(name), 0});
  }
  void InvalidateInode(Index ino) { inval_.push_back({0, "", ino}); }

  Index Serial(std::string_view photo_id);
  PhotoRecord& RecordOf(Index serial);
  // The folder path of `photo` in each view, making missing folders.
  Placement PlacementOf(const Photo& photo);
  Index NumberDir(Index parent, std::string_view name);
  Index EnsureDir(Index parent, std::string_view name, Area area);
  // The number the entry of `serial` in view `v` takes in `folder`.
  Index EntryNumber(Index serial, int v, Index folder);
  // Marks a generated folder left empty to be removed later (see Expire).
  void PruneEmpty(Index dir);
  bool IsEmptyGeneratedDir(Index dir) const;
  // Recomputes the names of the photos of `dir` in the family of `name`.
  void RenameFamily(Index dir, std::string_view name);
  void AttachEntry(Index serial, int v, Index folder);
  void DetachEntry(Index ino);
  void KillSubtree(Index ino);
  void CompactNamesIfWasteful();

  // The layout as it was when a rebuild began, to tell the kernel what
  // changed (taken only when there was something it could have cached).
  struct Snapshot {
    std::vector<Slot> slots;
    std::vector<ChildList> dirs;
    std::vector<std::pair<std::int64_t, std::int64_t>> attrs;  // (size, mtime) by serial
  };
  void InvalidateChangesSince(const Snapshot& was);

  std::int64_t mount_time_;
  std::vector<Slot> slots_;  // by inode number; numbers not in use are not live
  std::string names_;        // every node's name and every photo's base name
  std::size_t dead_name_bytes_ = 0;
  std::vector<ChildList> dirs_;   // each directory's children, in order
  std::vector<Index> free_dirs_;  // entries of dirs_ no directory uses
  std::unordered_map<Index, OverlayData> overlay_;
  // Grow-only, for stable numbers.
  PhotoIds ids_;                      // photo id <-> serial
  std::vector<PhotoRecord> records_;  // by serial
  // (parent, name) -> number; looked up by (parent, string_view).
  struct DirKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<std::pair<Index, std::string>, Index, DirKeyLess> dir_numbers_;
  // serial -> (view, the inode its entry there is to take)
  std::unordered_map<Index, std::pair<int, Index>> adopted_;
  Index next_ino_ = 100;
  std::vector<Invalidation> inval_;
  std::unordered_map<Index, std::int64_t> emptied_;  // folder -> when it goes
  // The folder of each view a photo was last placed in, by a key of its
  // path ("d" + day, "c" + camera, "p" + place), so that placing a photo
  // costs one hash lookup per view, not one map lookup per path component.
  // An entry is used only while its folder is live.
  std::unordered_map<std::string, Index> placed_;
  // Between BeginRebuild and EndRebuild: (folder, entry) of every photo
  // added, and what was there before.
  std::vector<std::pair<Index, Index>> rebuild_entries_;
  std::unique_ptr<Snapshot> before_;
  std::vector<Invalidation> queued_before_rebuild_;
  bool in_rebuild_ = false;
};

// The instant a photo was taken, for mtime: the capture time with its offset
// when known, else read as local time; imported_at when there is none.
std::int64_t PhotoTime(const Photo& photo);

}  // namespace octopus::fs
