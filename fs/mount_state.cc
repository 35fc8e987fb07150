#include "fs/mount_state.h"

#include <fcntl.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "core/random.h"
#include "fs/trash_info.h"

namespace octopus::fs {
namespace {

// A rebuild reads every photo record (about 800 bytes each, in small
// allocations) and frees them when the tree is built; glibc keeps such
// chunks for reuse, so without this the mount would stay at its rebuild
// peak. Called with no lock held: it walks the whole heap.
void ReturnFreedMemory() { (void)::malloc_trim(0); }

}  // namespace

MountState::MountState(Library& library, const MountOptions& options)
    : library_(library),
      options_(options),
      uid_(::getuid()),
      gid_(::getgid()),
      tree_(static_cast<std::int64_t>(std::time(nullptr)), ".Trash-" + std::to_string(uid_)) {}

MountState::~MountState() { StopRefresher(); }

Status MountState::Load() {
  {
    std::lock_guard follow(follow_mu_);
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(Reload_locked());
    // import/ lists what it received before (see core/store/import_store.h).
    RETURN_IF_ERROR(library_.import_records().ForEach(
        options_.user, [&](const ImportEntry& e) { AddImportEntry_locked(e); }));
    (void)tree_.TakeInvalidations();  // nothing is mounted yet
  }
  ReturnFreedMemory();
  return Status::Ok();
}

Status MountState::Reload_locked() {
  // Streamed: the tree keeps a compact record per photo, never the whole
  // list of photo records (800 bytes each) at once.
  tree_.BeginRebuild();
  auto position =
      library_.ForEachPhoto(options_.user, [&](const Photo& p) { tree_.AddToRebuild(p); });
  tree_.EndRebuild();
  if (!position.ok()) return position.status();
  feed_head_ = position->head;
  return Status::Ok();
}

void MountState::StartRefresher(fuse_session* se) {
  session_ = se;
  kernel_ = std::make_unique<SessionNotifier>(se);
  refresher_ = std::thread([this] { RefresherLoop(); });
}

void MountState::StopRefresher() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

void MountState::RefresherLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(kPollMilliseconds));
    if (stopping_) break;
    lock.unlock();
    Refresh();
    lock.lock();
  }
}

void MountState::Refresh() {
  if (Status s = FollowFeed(); !s.ok()) {
    spdlog::warn("mount: cannot follow the library's changes: {}", s.ToString());
  }
  std::vector<Invalidation> inval;
  {
    std::lock_guard tree_lock(mu_);
    inval = tree_.Expire(static_cast<std::int64_t>(std::time(nullptr)));
    QueueInvalidations_locked();
    inval.insert(inval.end(), std::make_move_iterator(pending_inval_.begin()),
                 std::make_move_iterator(pending_inval_.end()));
    pending_inval_.clear();
  }
  Notify(inval);
}

Status MountState::FollowFeed() {
  std::lock_guard follow(follow_mu_);
  // One indexed row per poll while nothing changes: the cost of following
  // does not grow with the library.
  ASSIGN_OR_RETURN(const FeedPosition position, library_.ChangeFeedPosition(options_.user));
  while (position.head != feed_head_) {
    ASSIGN_OR_RETURN(const ChangeBatch batch,
                     library_.ChangesSince(options_.user, feed_head_, kFeedBatch));
    if (batch.behind) {
      spdlog::info("mount: {} changes behind the pruned feed; reloading",
                   batch.position.head - feed_head_);
      {
        std::lock_guard lock(mu_);
        RETURN_IF_ERROR(Reload_locked());
      }
      ReturnFreedMemory();
      return Status::Ok();
    }
    if (batch.changes.empty()) break;
    std::vector<std::string> ids;
    ids.reserve(batch.changes.size());
    for (const Change& c : batch.changes) ids.push_back(c.photo_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // The photos as they are now: a photo that is gone is absent.
    ASSIGN_OR_RETURN(const std::vector<Photo> now, library_.GetPhotos(options_.user, ids));
    std::lock_guard lock(mu_);
    for (const Photo& p : now) tree_.Upsert(p);
    for (const std::string& id : ids) {
      const bool present =
          std::any_of(now.begin(), now.end(), [&](const Photo& p) { return p.id == id; });
      if (!present) tree_.RemovePhoto(id);
    }
    feed_head_ = batch.changes.back().seq;
  }
  return Status::Ok();
}

void MountState::QueueInvalidations_locked() {
  // The kernel holds locks on the directories of the request being served;
  // invalidating from a handler's thread could deadlock, so the refresher
  // sends them.
  auto inval = tree_.TakeInvalidations();
  pending_inval_.insert(pending_inval_.end(), std::make_move_iterator(inval.begin()),
                        std::make_move_iterator(inval.end()));
}

void MountState::Notify(const std::vector<Invalidation>& inval) {
  if (kernel_ == nullptr) return;
  auto send = [this](Ino parent, const std::string& name, Ino ino) {
    if (name.empty()) {
      kernel_->InvalInode(ino);
    } else {
      kernel_->InvalEntry(parent, name);
    }
  };
  for (const Invalidation& i : inval) {
    send(i.parent, i.name, i.ino);
    // .Trash-UID/info/ shows one file per entry of files/: it changes with it.
    if (i.parent == Tree::kDesktopTrashFiles) {
      send(Tree::kDesktopTrashInfo, i.name + std::string(kTrashInfoSuffix), 0);
    } else if (i.name.empty() && i.ino == Tree::kDesktopTrashFiles) {
      send(0, "", Tree::kDesktopTrashInfo);
    }
  }
}

Attr MountState::AttrOf_locked(const Node& n) {
  Attr a;
  a.ino = n.ino;
  a.mtime = n.mtime;
  if (n.kind == NodeKind::kDir) {
    a.dir = true;
    a.nlink = static_cast<std::uint32_t>(2 + tree_.SubdirCount(n.ino));
    a.size = 4096;
  } else {
    a.nlink = 1;
    a.size = n.size;
    // A file being written changes size at every write.
    a.volatile_size =
        (n.kind == NodeKind::kStaged || n.kind == NodeKind::kScratch) && n.photo_id.empty();
    if (a.volatile_size && n.writer != 0) a.size = WriterOf(n)->size.load();
  }
  return a;
}

void MountState::ToStat(const Attr& a, struct stat* st) const {
  *st = {};
  st->st_ino = a.ino;
  st->st_uid = uid_;
  st->st_gid = gid_;
  st->st_blksize = 4096;
  st->st_mode = a.dir ? (S_IFDIR | 0755) : (S_IFREG | 0644);
  st->st_nlink = a.nlink;
  st->st_size = a.size;
  st->st_blocks = (st->st_size + 511) / 512;
  st->st_mtim.tv_sec = a.mtime;
  st->st_ctim.tv_sec = a.mtime;
  st->st_atim.tv_sec = a.mtime;
}

void MountState::ToEntry(const Attr& a, fuse_entry_param* e) const {
  *e = {};
  e->ino = a.ino;
  e->generation = 1;
  ToStat(a, &e->attr);
  e->attr_timeout = a.volatile_size ? 0 : kCacheSeconds;
  e->entry_timeout = kCacheSeconds;
}

void MountState::TrackOpen_locked(const Handle& h, const struct stat& attr) {
  OpenInode& o = open_[h.ino];
  ++o.handles;
  o.attr = attr;
}

void MountState::UntrackOpen_locked(const Handle& h) {
  auto it = open_.find(h.ino);
  if (it != open_.end() && --it->second.handles <= 0) open_.erase(it);
}

int MountState::NewStaging(WriteHandle* h) {
  h->staging = library_.StagingDir() / (".fuse-" + RandomHex(12));
  h->fd = UniqueFd(::open(h->staging.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!h->fd) return errno;
  return 0;
}

void MountState::ApplyOwnChange() {
  // Through the feed, like any other process's change: the tree is only
  // ever set from rows read after the change they reflect, so a change
  // made here and one arriving from elsewhere can never be applied out of
  // order. Done before the handler replies, so that the change shows in
  // every view when the system call returns.
  if (Status s = FollowFeed(); !s.ok()) {
    spdlog::warn("mount: cannot read back a change: {}", s.ToString());
  }
  WakeRefresher();  // it sends what the kernel must forget
}

}  // namespace octopus::fs
