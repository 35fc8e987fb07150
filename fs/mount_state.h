// The state one mount shares between its operations: the tree, the
// library it shows, the handles the kernel holds, the follow of the
// library's change feed, and what the kernel must be told to forget. The
// rules of each operation (fs/filesystem.h) work on it.
//
// Thread-safe. Lock order: follow_mu_, then mu_ (the tree), then a
// WriteHandle's or a DirHandle's mu. The photos in the tree change only by
// following the library's change feed (FollowFeed, under follow_mu_, which
// reads each changed photo as it is now), for this mount's own changes as
// for other processes': so no state read earlier can overwrite a later one.
// mu_ is not held across a call into the library that writes; no lock is
// held across a kernel notification (the kernel may call back into us for
// the same inode).
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/file_util.h"
#include "core/library.h"
#include "fs/fuse_api.h"
#include "fs/handle_registry.h"
#include "fs/kernel_notifier.h"
#include "fs/mount.h"
#include "fs/tree.h"

namespace octopus::fs {

// How long attributes and names may be cached by the kernel, and how often
// the library's change feed is polled for changes made by other processes:
// together, another process's change shows within about a second.
inline constexpr double kCacheSeconds = 1.0;
inline constexpr int kPollMilliseconds = 400;
// Feed entries read per query while catching up.
inline constexpr int kFeedBatch = 1000;
// How long an imported file stays listed in import/ (so rsync and cp -a can
// rename it, set its times and stat it after the copy).
inline constexpr int kImportedLingerSeconds = 60;

// The few values a node's attributes are made of (see MountState::ToStat).
struct Attr {
  Ino ino = 0;
  bool dir = false;
  bool volatile_size = false;  // a file being written: never cached
  std::uint32_t nlink = 0;
  std::int64_t size = 0;
  std::int64_t mtime = 0;
};

// An open file: either a photo (or imported entry) being read, or a file
// being written into the store's staging directory.
struct Handle {
  enum Kind { kRead, kWrite } kind;
  explicit Handle(Kind k) : kind(k) {}
  virtual ~Handle() = default;
  Ino ino = 0;  // the inode the kernel opened
};

struct ReadHandle : Handle {
  ReadHandle() : Handle(kRead) {}
  // Readers share it while they read `fd`; release takes it whole before
  // the fd is closed. The kernel sends the release after the last read's
  // reply, except when a read was interrupted (and ThreadSanitizer cannot
  // see that ordering through /dev/fuse either).
  std::shared_mutex io_mu;
  UniqueFd fd;
  bool immutable = false;  // a stored original: the kernel may keep its pages
};

struct WriteHandle : Handle {
  WriteHandle() : Handle(kWrite) {}
  std::mutex mu;  // after MountState::mu_
  UniqueFd fd;
  std::filesystem::path staging;
  Ino node = 0;                       // the staged node; 0 once it was unlinked
  std::atomic<std::int64_t> size{0};  // high-water mark of what was written
  std::int64_t quota_checked = 0;
  bool done = false;  // ingested (or refused): no more writes
  int result = 0;     // errno of the ingest, reported by flush
};

// One entry of a listing, with what readdirplus hands the kernel (for "."
// and "..", only the inode number and type: the kernel looks nothing up).
// Kept small: a listing of all/ holds one per photo.
struct DirEntry {
  Attr attr;
  std::uint32_t name = 0;  // offset of the NUL-terminated name in DirHandle::names
  bool dot = false;        // "." or ".."
};

// An open directory: a snapshot of its entries, so offsets stay valid while
// the library changes under a long listing. Reading from offset 0 again
// (rewinddir) takes a fresh snapshot.
struct DirHandle {
  explicit DirHandle(Ino i) : ino(i) {}
  const Ino ino;
  std::mutex mu;  // after MountState::mu_; guards entries, names, served
  std::vector<DirEntry> entries;
  std::string names;
  bool served = false;  // a page was read from this snapshot
};

// An inode a program has open, with the attributes it had when opened.
struct OpenInode {
  int handles = 0;
  struct stat attr {};
};

// The writer of a file being written (Node::writer), or null.
inline WriteHandle* WriterOf(const Node& n) { return reinterpret_cast<WriteHandle*>(n.writer); }

class MountState {
 public:
  MountState(Library& library, const MountOptions& options);
  ~MountState();
  MountState(const MountState&) = delete;
  MountState& operator=(const MountState&) = delete;

  // Shutdown: the next statfs, once answered, ends the session's loop (see
  // Mount::Stop). The request that wakes the loop is then also the one
  // that stops it, so it is answered rather than dropped by libfuse.
  void EndLoopAfterNextStatFs() { end_after_statfs_ = true; }
  void StatFsAnswered() {
    if (end_after_statfs_ && session_ != nullptr) fuse_session_exit(session_);
  }
  // Loads the tree, and the change feed position it is the state at.
  // Called before the mount exists, on one thread.
  Status Load();
  // Starts the thread that follows other processes' changes and sends the
  // kernel its invalidations through `se`. The session is set here, before
  // that thread and the session's loop start, and never changes while
  // either runs: they read it without a lock (a session set after the
  // refresher started was a data race ThreadSanitizer caught in CI).
  void StartRefresher(fuse_session* se);
  void StopRefresher();
  // Where the invalidations go (StartRefresher sets libfuse's); without
  // one they are dropped. Set before any thread runs, like the session.
  void SetKernel(std::unique_ptr<KernelNotifier> kernel) { kernel_ = std::move(kernel); }
  // One pass of the refresher: follows the feed, expires what lingered,
  // and sends the kernel what it must forget. Unit tests call it in place
  // of the thread.
  void Refresh();

  HandleRegistry<Handle>& files() { return files_; }
  HandleRegistry<DirHandle>& dirs() { return dirs_; }

 protected:
  bool ReadOnly() const { return options_.read_only; }
  Attr AttrOf_locked(const Node& n);
  void ToStat(const Attr& a, struct stat* st) const;
  void ToEntry(const Attr& a, fuse_entry_param* e) const;
  void FillAttr_locked(const Node& n, struct stat* st) { ToStat(AttrOf_locked(n), st); }
  void FillEntry_locked(const Node& n, fuse_entry_param* e) { ToEntry(AttrOf_locked(n), e); }
  // Open files outlive their names: fstat of a photo deleted while open
  // still answers, from the attributes it had.
  void TrackOpen_locked(const Handle& h, const struct stat& attr);
  void UntrackOpen_locked(const Handle& h);
  // After a change made by a handler: the refresher thread sends what the
  // kernel must forget (see the comment in the .cc).
  void QueueInvalidations_locked();
  void WakeRefresher() { stop_cv_.notify_all(); }
  // After a handler changed a photo in the library: the tree follows.
  void ApplyOwnChange();
  int NewStaging(WriteHandle* h);
  // The desktop's trash protocol (fs/desktop_trash.cc, fs/trash_info.h):
  // the info file of an entry of .Trash-UID/files/, by its name in info/ or
  // its inode number; nothing when there is no such entry.
  std::optional<Attr> TrashInfoByName_locked(std::string_view info_name);
  std::optional<Attr> TrashInfoByIno_locked(Ino ino);
  static Attr TrashInfoAttrOf(const Node& files_entry);
  int OpenTrashInfo_locked(Ino ino, bool writes, std::unique_ptr<Handle>* out);
  // Removes the scratch file info/NAME.trashinfo, if any (not one open).
  void DropScratchInfo_locked(std::string_view trashed_name);
  // import/ as a sync target (fs/import_entries.cc): the entries it
  // received stay listed, recorded in the library across remounts.
  void AddImportEntry_locked(const ImportEntry& entry);
  // An entry of import/ with a record (once flushed): a copy imported (or
  // a duplicate), or a companion file.
  static bool IsImportRecord(const Node& n);
  void RecordImport(const ImportEntry& entry);
  void ForgetImport(const std::string& path);
  void MoveImport(const std::string& from, const std::string& to);

  Library& library_;
  const MountOptions options_;
  const uid_t uid_;  // the mounting user's: owner of every file, and the trash's name
  const gid_t gid_;
  std::mutex mu_;  // guards tree_, open_, pending_inval_
  Tree tree_;
  std::unordered_map<Ino, OpenInode> open_;
  std::vector<Invalidation> pending_inval_;

 private:
  // Rebuilds the tree from every photo; sets feed_head_.
  Status Reload_locked();
  // Applies what the feed says changed since feed_head_ (all of it, or a
  // reload when the feed was pruned past it).
  Status FollowFeed();
  void Notify(const std::vector<Invalidation>& inval);
  void RefresherLoop();

  fuse_session* session_ = nullptr;         // set by StartRefresher, see there
  std::unique_ptr<KernelNotifier> kernel_;  // likewise
  std::atomic<bool> end_after_statfs_{false};
  HandleRegistry<Handle> files_;
  HandleRegistry<DirHandle> dirs_;
  std::mutex follow_mu_;        // see the lock order above; guards feed_head_
  std::int64_t feed_head_ = 0;  // the last feed entry the tree reflects

  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::thread refresher_;
};

}  // namespace octopus::fs
