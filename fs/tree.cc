#include "fs/tree.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <functional>
#include <span>
#include <thread>

#include "core/grouping.h"
#include "core/name_key.h"
#include "core/timestamps.h"

namespace octopus::fs {
namespace {

struct TopDir {
  Ino ino;
  const char* name;
  Area area;
};
struct FixedDir {
  Ino ino;
  Ino parent;
  Area area;
};
// The name of each is set by the constructor (.Trash-UID depends on it).
constexpr FixedDir kFixedDirs[] = {
    {Tree::kAll, Tree::kRoot, Area::kAll},
    {Tree::kByDate, Tree::kRoot, Area::kDate},
    {Tree::kByCamera, Tree::kRoot, Area::kCamera},
    {Tree::kByPlace, Tree::kRoot, Area::kPlace},
    {Tree::kImport, Tree::kRoot, Area::kImport},
    {Tree::kTrash, Tree::kRoot, Area::kTrash},
    {Tree::kDesktopTrash, Tree::kRoot, Area::kTrash},
    {Tree::kDesktopTrashFiles, Tree::kDesktopTrash, Area::kTrash},
    {Tree::kDesktopTrashInfo, Tree::kDesktopTrash, Area::kTrashInfo}};

// The views in the order a photo's entries are made (and numbered).
struct ViewSpec {
  Ino top;
  Area area;
  View view;
};
// (The view matters only for the three generated from the photos' fields.)
constexpr ViewSpec kViewSpecs[] = {{Tree::kAll, Area::kAll, View::kDate},
                                   {Tree::kByDate, Area::kDate, View::kDate},
                                   {Tree::kByCamera, Area::kCamera, View::kCamera},
                                   {Tree::kByPlace, Area::kPlace, View::kPlace},
                                   {Tree::kTrash, Area::kTrash, View::kDate},
                                   {Tree::kDesktopTrashFiles, Area::kTrash, View::kDate}};

int RankOf(NodeKind kind, bool overlay) {
  if (kind == NodeKind::kDir) return 0;  // a folder shows over a file of its name
  return overlay ? 1 : 2;                // a file being copied shows over a photo
}

}  // namespace

std::int64_t PhotoTime(const Photo& photo) {
  const std::string& taken = photo.meta.taken_at;
  if (photo.meta.taken_at_offset) {
    const auto at = UtcSeconds(taken);
    const auto offset = OffsetSeconds(*photo.meta.taken_at_offset);
    if (at && offset) return *at - *offset;
  }
  if (const auto local = LocalSeconds(taken)) return *local;
  return UtcSeconds(photo.imported_at).value_or(0);
}

Tree::Tree(std::int64_t mount_time, std::string_view desktop_trash) : mount_time_(mount_time) {
  Slot& root = SlotFor(kRoot);
  root.parent = kRoot;
  root.live = true;
  root.data = NewDirData();
  for (const FixedDir& fixed : kFixedDirs) {
    const std::string_view name = fixed.ino == kAll                 ? "all"
                                  : fixed.ino == kByDate            ? "by-date"
                                  : fixed.ino == kByCamera          ? "by-camera"
                                  : fixed.ino == kByPlace           ? "by-place"
                                  : fixed.ino == kImport            ? "import"
                                  : fixed.ino == kTrash             ? "trash"
                                  : fixed.ino == kDesktopTrash      ? desktop_trash
                                  : fixed.ino == kDesktopTrashFiles ? "files"
                                                                    : "info";
    Slot& dir = SlotFor(static_cast<Index>(fixed.ino));
    dir.parent = static_cast<Index>(fixed.parent);
    dir.name = AppendName(name);
    dir.name_size = static_cast<std::uint16_t>(name.size());
    dir.area = fixed.area;
    dir.live = true;
    dir.data = NewDirData();
    Link(static_cast<Index>(fixed.ino));
  }
}

// --- layout ---

Tree::Slot& Tree::SlotFor(Index ino) {
  if (ino >= slots_.size()) slots_.resize(std::max<std::size_t>(ino + 1, next_ino_));
  return slots_[ino];
}

Tree::Index Tree::NewDirData() {
  if (!free_dirs_.empty()) {
    const Index d = free_dirs_.back();
    free_dirs_.pop_back();
    return d;
  }
  dirs_.emplace_back();
  return static_cast<Index>(dirs_.size() - 1);
}

Tree::Index Tree::AppendName(std::string_view name) {
  // Names are path components (at most 255 bytes from core/grouping, at most
  // FUSE's 1024 from the kernel), so their size fits the slot's 16 bits.
  const auto at = static_cast<Index>(names_.size());
  names_.append(name);
  return at;
}

void Tree::SetName(Index ino, std::string_view name) {
  Slot& s = slots_[ino];
  dead_name_bytes_ += s.name_size;
  s.name = AppendName(name);
  s.name_size = static_cast<std::uint16_t>(name.size());
}

const Tree::Slot* Tree::SlotOf(Ino ino) const {
  if (ino >= slots_.size()) return nullptr;
  const Slot& s = slots_[ino];
  return s.live ? &s : nullptr;
}

const ChildList& Tree::ChildrenOf(Ino dir) const {
  static const ChildList kNoChildren;
  const Slot* s = SlotOf(dir);
  if (s == nullptr || s->kind != NodeKind::kDir) return kNoChildren;
  return dirs_[s->data];
}

bool Tree::Before(Index a, Index b) const {
  if (const int c = NameOf(a).compare(NameOf(b)); c != 0) return c < 0;
  const int ra = RankOf(slots_[a].kind, slots_[a].overlay);
  const int rb = RankOf(slots_[b].kind, slots_[b].overlay);
  if (ra != rb) return ra < rb;
  return a < b;
}

void Tree::Link(Index ino) {
  const Slot& parent = slots_[slots_[ino].parent];
  if (!parent.live || parent.kind != NodeKind::kDir || slots_[ino].parent == ino) return;
  dirs_[parent.data].Insert(ino, slots_[ino].kind == NodeKind::kDir,
                            [&](Index a, Index b) { return Before(a, b); });
}

void Tree::Unlink(Index ino) {
  const Slot* parent = SlotOf(slots_[ino].parent);
  if (parent == nullptr || parent->kind != NodeKind::kDir || slots_[ino].parent == ino) return;
  dirs_[parent->data].Erase(ino, slots_[ino].kind == NodeKind::kDir,
                            [&](Index a, Index b) { return Before(a, b); });
}

Node Tree::NodeAt(Index ino) const {
  const Slot& s = slots_[ino];
  Node n;
  n.ino = ino;
  n.parent = s.parent;
  n.name = NameOf(ino);
  n.kind = s.kind;
  n.area = s.area;
  n.overlay = s.overlay;
  if (s.overlay) {
    auto it = overlay_.find(ino);
    if (it != overlay_.end()) {
      const OverlayData& o = it->second;
      n.photo_id = o.photo_id;
      n.size = o.size;
      n.mtime = o.mtime;
      n.writer = o.writer;
      n.expires_at = o.expires_at;
    }
  } else if (s.kind == NodeKind::kPhoto) {
    const PhotoRecord& p = records_[s.data];
    n.photo_id = ids_.IdOf(s.data);
    n.size = p.size;
    n.mtime = p.mtime;
    n.trashed = p.trashed;
  } else {
    n.mtime = mount_time_;
  }
  return n;
}

// --- queries ---

std::optional<Node> Tree::Find(Ino ino) const {
  if (SlotOf(ino) == nullptr) return std::nullopt;
  return NodeAt(static_cast<Index>(ino));
}

std::optional<Node> Tree::Child(Ino parent, std::string_view name) const {
  const ChildList& kids = ChildrenOf(parent);
  auto it = kids.LowerBound(name, [&](Index c, std::string_view n) { return NameOf(c) < n; });
  if (it == kids.end() || NameOf(*it) != name) return std::nullopt;
  return NodeAt(*it);
}

std::size_t Tree::SubdirCount(Ino dir) const { return ChildrenOf(dir).DirCount(); }

OverlayData* Tree::Overlay(Ino ino) {
  if (SlotOf(ino) == nullptr) return nullptr;
  auto it = overlay_.find(static_cast<Index>(ino));
  return it == overlay_.end() ? nullptr : &it->second;
}

bool Tree::InImport(Ino ino) const {
  for (int depth = 0; depth < 4096; ++depth) {
    if (ino == kImport) return true;
    const Slot* s = SlotOf(ino);
    if (s == nullptr || ino == kRoot) return false;
    ino = s->parent;
  }
  return false;
}

std::string Tree::PathInImport(Ino ino) const {
  std::vector<std::string_view> parts;
  for (int depth = 0; depth < 4096 && ino != kImport; ++depth) {
    const Slot* s = SlotOf(ino);
    if (s == nullptr || ino == kRoot) return {};
    parts.push_back(NameOf(static_cast<Index>(ino)));
    ino = s->parent;
  }
  if (ino != kImport) return {};
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!path.empty()) path.push_back('/');
    path.append(*it);
  }
  return path;
}

bool Tree::HasPhoto(std::string_view photo_id) const {
  const auto serial = ids_.Find(photo_id);
  return serial && records_[*serial].live;
}

std::vector<Invalidation> Tree::TakeInvalidations() {
  std::vector<Invalidation> out;
  out.swap(inval_);
  return out;
}

// --- photos and their folders ---

Tree::Index Tree::Serial(std::string_view photo_id) { return ids_.Intern(photo_id); }

Tree::PhotoRecord& Tree::RecordOf(Index serial) {
  if (serial >= records_.size()) records_.resize(serial + 1);
  return records_[serial];
}

Tree::Index Tree::NumberDir(Index parent, std::string_view name) {
  auto it = dir_numbers_.find(std::pair<Index, std::string_view>(parent, name));
  if (it != dir_numbers_.end()) return it->second;
  const Index ino = next_ino_++;
  dir_numbers_.emplace(std::pair<Index, std::string>(parent, name), ino);
  return ino;
}

Tree::Index Tree::EnsureDir(Index parent, std::string_view name, Area area) {
  const Index ino = NumberDir(parent, name);
  Slot& d = SlotFor(ino);
  if (!d.live) {
    d.parent = parent;
    d.name = AppendName(name);
    d.name_size = static_cast<std::uint16_t>(name.size());
    d.kind = NodeKind::kDir;
    d.area = area;
    d.live = true;
    d.overlay = false;
    d.data = NewDirData();
    Link(ino);
    InvalidateInode(parent);
  }
  return ino;
}

Tree::Placement Tree::PlacementOf(const Photo& photo) {
  if (photo.trashed_at) {
    return {kNone,
            kNone,
            kNone,
            kNone,
            static_cast<Index>(kTrash),
            static_cast<Index>(kDesktopTrashFiles)};
  }
  Placement place{static_cast<Index>(kAll), kNone, kNone, kNone, kNone, kNone};
  static constexpr char kTag[] = {'\0', 'd', 'c', 'p'};
  std::string key;
  for (int v = 1; v <= 3; ++v) {  // the views generated from the photo's fields
    // The folder's key, cheaper to make than its path (ViewFolder).
    key.assign(1, kTag[v]);
    const ImageMetadata& m = photo.meta;
    if (v == 1) {
      key.append(m.taken_at_estimated || m.taken_at.size() < 10
                     ? std::string_view("?")
                     : std::string_view(m.taken_at).substr(0, 10));
    } else if (v == 2) {
      key.append(m.camera.make).push_back('\0');
      key.append(m.camera.model);
    } else if (photo.place) {
      key.append(photo.place->country).push_back('\0');
      key.append(photo.place->region).push_back('\0');
      key.append(photo.place->city);
    }
    if (auto it = placed_.find(key); it != placed_.end() && SlotOf(it->second) != nullptr) {
      place[v] = it->second;
      continue;
    }
    const std::vector<std::string> path = ViewFolder(photo, kViewSpecs[v].view);
    if (path.empty()) continue;
    auto dir = static_cast<Index>(kViewSpecs[v].top);
    for (const std::string& part : path) dir = EnsureDir(dir, part, kViewSpecs[v].area);
    place[v] = dir;
    placed_[key] = dir;
  }
  return place;
}

Tree::Index Tree::EntryNumber(Index serial, int v, Index folder) {
  PhotoRecord& rec = records_[serial];
  if (auto it = adopted_.find(serial); it != adopted_.end() && it->second.first == v) {
    const Index ino = it->second.second;
    adopted_.erase(it);
    if (SlotOf(ino) == nullptr) return ino;
  }
  const Index known = rec.entry[v];
  if (known != kNone && rec.folder[v] == folder && SlotOf(known) == nullptr) return known;
  return next_ino_++;
}

void Tree::AttachEntry(Index serial, int v, Index folder) {
  PhotoRecord& rec = records_[serial];
  const Index ino = EntryNumber(serial, v, folder);
  Slot& s = SlotFor(ino);
  s.parent = folder;
  s.name = rec.base;  // the entry's name is nearly always the photo's own name
  s.name_size = rec.base_size;
  s.kind = NodeKind::kPhoto;
  s.area = kViewSpecs[v].area;
  s.live = true;
  s.overlay = false;
  s.data = serial;
  rec.entry[v] = ino;
  rec.folder[v] = folder;
  Link(ino);
  InvalidateInode(folder);
}

void Tree::DetachEntry(Index ino) {
  const Index folder = slots_[ino].parent;
  Unlink(ino);
  Invalidate(folder, NameOf(ino));
  InvalidateInode(folder);
  slots_[ino].live = false;
}

bool Tree::IsEmptyGeneratedDir(Index dir) const {
  return dir > kLastFixed && SlotOf(dir) != nullptr && !slots_[dir].overlay &&
         slots_[dir].kind == NodeKind::kDir && dirs_[slots_[dir].data].empty();
}

void Tree::PruneEmpty(Index dir) {
  // Not at once: `rm -r by-date/2013` removes the photos, then each folder,
  // and a folder gone in between made its rmdir fail (ENOENT, from the
  // kernel's own lookup). An emptied folder lingers, empty, for a while.
  if (IsEmptyGeneratedDir(dir)) emptied_[dir] = std::time(nullptr) + kEmptiedLingerSeconds;
}

void Tree::RemoveEmptyFolder(Ino ino) {
  const auto dir = static_cast<Index>(ino);
  if (!IsEmptyGeneratedDir(dir)) return;
  emptied_.erase(dir);
  const Index parent = slots_[dir].parent;
  Unlink(dir);
  Invalidate(parent, NameOf(dir));
  InvalidateInode(parent);
  free_dirs_.push_back(slots_[dir].data);
  slots_[dir].live = false;
  PruneEmpty(parent);  // its parent may be next, and lingers in turn
}

void Tree::RenameFamily(Index dir, std::string_view name) {
  if (SlotOf(dir) == nullptr) return;
  const std::string family = NameFamily(name);
  const std::string prefix(NameFamilyPrefix(name));
  const ChildList& kids = dirs_[slots_[dir].data];
  // Every name the family can show begins with its prefix.
  std::vector<Index> members;
  for (auto it = kids.LowerBound(std::string_view(prefix),
                                 [&](Index c, std::string_view p) { return NameOf(c) < p; });
       it != kids.end() && NameOf(*it).starts_with(prefix); ++it) {
    const Slot& s = slots_[*it];
    if (s.kind != NodeKind::kPhoto || s.overlay) continue;
    if (NameFamily(BaseOf(records_[s.data])) == family) members.push_back(*it);
  }
  if (members.empty()) return;
  std::vector<NameRequest> requests;
  requests.reserve(members.size());
  for (Index m : members) {
    const Index serial = slots_[m].data;
    requests.push_back({BaseOf(records_[serial]), records_[serial].order, ids_.IdOf(serial)});
  }
  const std::vector<std::string> names = DistinctNames(requests);
  bool changed = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Index m = members[i];
    if (NameOf(m) == names[i]) continue;
    Unlink(m);
    Invalidate(dir, NameOf(m));
    const PhotoRecord& rec = records_[slots_[m].data];
    if (BaseOf(rec) == names[i]) {
      slots_[m].name = rec.base;
      slots_[m].name_size = rec.base_size;
    } else {
      SetName(m, names[i]);
    }
    Link(m);
    changed = true;
  }
  if (changed) InvalidateInode(dir);
}

void Tree::Upsert(const Photo& photo) {
  const Index serial = Serial(photo.id);
  RecordOf(serial);
  const std::string base = SafeFileName(photo.filename);
  const Placement place = PlacementOf(photo);
  PhotoRecord& rec = records_[serial];
  const bool was_live = rec.live;
  const std::string old_base(was_live ? BaseOf(rec) : std::string_view());
  const bool renamed = !was_live || old_base != base;
  const std::int64_t mtime = PhotoTime(photo);
  const bool attrs_changed = was_live && (rec.size != photo.size || rec.mtime != mtime);
  rec.size = photo.size;
  rec.mtime = mtime;
  rec.order = ImportOrder(photo.imported_at);
  rec.trashed = photo.trashed_at ? UtcSeconds(*photo.trashed_at).value_or(1) : 0;
  if (renamed) {
    if (was_live) dead_name_bytes_ += rec.base_size;
    rec.base = AppendName(base);
    rec.base_size = static_cast<std::uint16_t>(base.size());
  }
  rec.live = true;
  for (int v = 0; v < kViews; ++v) {
    const Index old_entry = was_live ? rec.entry[v] : kNone;
    const bool attached = old_entry != kNone && SlotOf(old_entry) != nullptr;
    const Index old_folder = attached ? slots_[old_entry].parent : kNone;
    const Index new_folder = place[v];
    if (attached && old_folder == new_folder) {
      if (attrs_changed) InvalidateInode(old_entry);
      if (!renamed) continue;
      // Renamed in place: the entry keeps its number.
      Unlink(old_entry);
      Invalidate(old_folder, NameOf(old_entry));
      SetName(old_entry, base);
      Link(old_entry);
      InvalidateInode(old_folder);
      RenameFamily(old_folder, old_base);
      RenameFamily(new_folder, base);
      continue;
    }
    // Into the new folder first, so that leaving the old one cannot prune
    // a folder the photo is entering (by-place/France/ when its city goes).
    if (new_folder != kNone) {
      AttachEntry(serial, v, new_folder);
      RenameFamily(new_folder, base);
    }
    if (attached) {
      DetachEntry(old_entry);
      RenameFamily(old_folder, old_base);
      PruneEmpty(old_folder);
    }
  }
  CompactNamesIfWasteful();
}

void Tree::RemovePhoto(std::string_view photo_id) {
  const auto serial = ids_.Find(photo_id);
  if (!serial || !records_[*serial].live) return;
  PhotoRecord& rec = records_[*serial];
  const std::string base(BaseOf(rec));
  for (int v = 0; v < kViews; ++v) {
    const Index entry = rec.entry[v];
    if (entry == kNone || SlotOf(entry) == nullptr) continue;
    const Index folder = slots_[entry].parent;
    DetachEntry(entry);
    RenameFamily(folder, base);
    PruneEmpty(folder);
  }
  // The record keeps its folders and entry numbers: a photo that comes
  // back (from the trash) gets them again.
  rec.live = false;
  dead_name_bytes_ += rec.base_size;
  CompactNamesIfWasteful();
}

// --- full build ---

void Tree::BeginRebuild() {
  in_rebuild_ = true;
  emptied_.clear();  // a rebuild lists no empty folder
  rebuild_entries_.clear();
  // What the rebuild does on the way is not what changed: the comparison at
  // the end says that. Earlier changes stay queued.
  queued_before_rebuild_ = TakeInvalidations();
  const bool any_photo =
      std::any_of(records_.begin(), records_.end(), [](const PhotoRecord& r) { return r.live; });
  if (any_photo) {
    // What the kernel may have cached, to compare with at the end.
    before_ = std::make_unique<Snapshot>();
    before_->slots = slots_;
    before_->dirs = dirs_;
    before_->attrs.reserve(records_.size());
    for (const PhotoRecord& r : records_) before_->attrs.emplace_back(r.size, r.mtime);
  }
  // Down to the fixed folders and the overlay. The records stay (not live),
  // with their folders and numbers for the photos that are added again.
  for (Index ino = 0; ino < slots_.size(); ++ino) {
    Slot& s = slots_[ino];
    if (!s.live || s.overlay || ino <= kLastFixed) continue;
    if (s.kind == NodeKind::kDir) {
      dirs_[s.data].clear();
      free_dirs_.push_back(s.data);
    }
    s.live = false;
  }
  const auto is_dir = [&](Index c) { return slots_[c].kind == NodeKind::kDir; };
  for (Ino top = kRoot; top <= kLastFixed; ++top) {
    MutableChildrenOf(static_cast<Index>(top))
        .EraseIf([&](Index c) { return !slots_[c].live; }, is_dir);
  }
  for (PhotoRecord& r : records_) r.live = false;
  dead_name_bytes_ = names_.size();  // every name is made again
}

void Tree::AddToRebuild(const Photo& photo) {
  const Index serial = Serial(photo.id);
  RecordOf(serial);
  const std::string base = SafeFileName(photo.filename);
  // Folders, then entries, numbered in the order Upsert numbers them.
  const Placement place = PlacementOf(photo);
  PhotoRecord& rec = records_[serial];
  rec.size = photo.size;
  rec.mtime = PhotoTime(photo);
  rec.order = ImportOrder(photo.imported_at);
  rec.trashed = photo.trashed_at ? UtcSeconds(*photo.trashed_at).value_or(1) : 0;
  rec.base = AppendName(base);
  rec.base_size = static_cast<std::uint16_t>(base.size());
  rec.live = true;
  for (int v = 0; v < kViews; ++v) {
    if (place[v] == kNone) continue;
    const Index ino = EntryNumber(serial, v, place[v]);
    Slot& s = SlotFor(ino);
    s.parent = place[v];
    s.kind = NodeKind::kPhoto;
    s.area = kViewSpecs[v].area;
    s.live = true;
    s.overlay = false;
    s.data = serial;
    rec.entry[v] = ino;
    rec.folder[v] = place[v];
    rebuild_entries_.emplace_back(place[v], ino);  // named and linked by EndRebuild
  }
}

namespace {

// Runs work(i) for i in [0, n) on every core, biggest first: the callers
// order their items by size, so one huge folder does not finish last.
void OnEveryCore(std::size_t n, const std::function<void(std::size_t)>& work) {
  const std::size_t threads =
      std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), n);
  std::atomic<std::size_t> next{0};
  const auto run = [&] {
    for (std::size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
}

}  // namespace

void Tree::SortChildren(std::vector<Index>* kids) const {
  std::vector<std::pair<NameKey, Index>> keyed;
  keyed.reserve(kids->size());
  for (Index k : *kids) keyed.emplace_back(NameKey(NameOf(k)), k);
  std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return Before(a.second, b.second);
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) (*kids)[i] = keyed[i].second;
}

void Tree::EndRebuild() {
  // Each folder's new entries, grouped by folder (a counting sort).
  std::unordered_map<Index, std::size_t> count;
  for (const auto& [folder, ino] : rebuild_entries_) ++count[folder];
  std::vector<Index> folders;
  folders.reserve(count.size());
  for (const auto& [folder, n] : count) folders.push_back(folder);
  std::sort(folders.begin(), folders.end(),
            [&](Index a, Index b) { return count[a] != count[b] ? count[a] > count[b] : a < b; });
  std::unordered_map<Index, std::size_t> start;
  std::vector<std::size_t> fill(folders.size());
  for (std::size_t f = 0, at = 0; f < folders.size(); ++f) {
    start[folders[f]] = f;
    fill[f] = at;
    at += count[folders[f]];
  }
  std::vector<std::size_t> begin = fill;
  std::vector<Index> members(rebuild_entries_.size());
  for (const auto& [folder, ino] : rebuild_entries_) members[fill[start[folder]]++] = ino;
  std::vector<std::pair<Index, Index>>().swap(rebuild_entries_);
  const auto span = [&](std::size_t f) {
    return std::span<const Index>(members).subspan(begin[f], count[folders[f]]);
  };

  // Names, folder by folder on every core; the few that are not the
  // photo's own are kept aside, then written into the arena on this thread.
  std::vector<std::vector<std::pair<Index, std::string>>> renamed(folders.size());
  OnEveryCore(folders.size(), [&](std::size_t f) {
    const std::span<const Index> in_folder = span(f);
    std::vector<NameRequest> requests;
    requests.reserve(in_folder.size());
    for (Index m : in_folder) {
      const Index serial = slots_[m].data;
      requests.push_back({BaseOf(records_[serial]), records_[serial].order, ids_.IdOf(serial)});
    }
    ForEachDistinctName(requests, [&](std::size_t i, std::string_view name) {
      if (name != requests[i].name) renamed[f].emplace_back(in_folder[i], std::string(name));
    });
  });
  for (Index m : members) {
    Slot& s = slots_[m];
    s.name = records_[s.data].base;
    s.name_size = records_[s.data].base_size;
  }
  for (auto& folder_renames : renamed) {
    for (const auto& [m, name] : folder_renames) {
      slots_[m].name = AppendName(name);
      slots_[m].name_size = static_cast<std::uint16_t>(name.size());
    }
    std::vector<std::pair<Index, std::string>>().swap(folder_renames);
  }
  // Then each folder's children in order, on every core again (each sorts
  // its own folder's list; names and slots are only read).
  OnEveryCore(folders.size(), [&](std::size_t f) {
    ChildList& list = dirs_[slots_[folders[f]].data];
    std::vector<Index> kids = list.ToVector();
    const std::span<const Index> in_folder = span(f);
    kids.insert(kids.end(), in_folder.begin(), in_folder.end());
    SortChildren(&kids);
    list.Assign(kids, [&](Index c) { return slots_[c].kind == NodeKind::kDir; });
  });

  inval_ = std::move(queued_before_rebuild_);
  queued_before_rebuild_.clear();
  if (before_) {
    InvalidateChangesSince(*before_);
    before_.reset();
  }
  in_rebuild_ = false;
  CompactNamesIfWasteful();
}

void Tree::InvalidateChangesSince(const Snapshot& was) {
  const auto name_was = [&](Index ino) {
    const Slot& s = was.slots[ino];
    return std::string_view(names_).substr(s.name, s.name_size);
  };
  for (Index ino = 0; ino < was.slots.size(); ++ino) {
    const Slot& old = was.slots[ino];
    if (!old.live) continue;
    const Slot* now = SlotOf(ino);
    if (old.kind != NodeKind::kDir) {
      if (old.kind == NodeKind::kPhoto && !old.overlay && now != nullptr &&
          was.attrs[old.data] !=
              std::make_pair(records_[old.data].size, records_[old.data].mtime)) {
        InvalidateInode(ino);
      }
      continue;
    }
    if (now == nullptr || now->kind != NodeKind::kDir) continue;  // its parent says it is gone
    bool changed = false;
    std::size_t shown = 0;
    std::string_view previous;
    for (const Index was_kid : was.dirs[old.data]) {
      const std::string_view name = name_was(was_kid);
      if (shown > 0 && name == previous) continue;  // was not visible
      previous = name;
      ++shown;
      const auto child = Child(ino, name);
      if (!child || child->ino != was_kid) {
        Invalidate(ino, name);
        changed = true;
      }
    }
    std::size_t shown_now = 0;
    ForEachChild(ino, [&](const Node&) { ++shown_now; });
    if (changed || shown != shown_now) InvalidateInode(ino);
  }
}

std::vector<Invalidation> Tree::Rebuild(const std::vector<Photo>& photos) {
  BeginRebuild();
  for (const Photo& p : photos) AddToRebuild(p);
  EndRebuild();
  return TakeInvalidations();
}

// --- the overlay ---

Node Tree::AddOverlay(Ino parent, std::string_view name, NodeKind kind, Area area) {
  const Index ino = next_ino_++;
  Slot& s = SlotFor(ino);
  s.parent = static_cast<Index>(parent);
  s.name = AppendName(name);
  s.name_size = static_cast<std::uint16_t>(name.size());
  s.kind = kind;
  s.area = area;
  s.live = true;
  s.overlay = true;
  s.data = kind == NodeKind::kDir ? NewDirData() : kNone;
  overlay_[ino].mtime = std::time(nullptr);
  Link(ino);
  InvalidateInode(static_cast<Index>(parent));
  return NodeAt(ino);
}

void Tree::KillSubtree(Index ino) {
  Slot& s = slots_[ino];
  if (s.kind == NodeKind::kDir) {
    for (Index child : dirs_[s.data]) KillSubtree(child);
    dirs_[s.data].clear();
    free_dirs_.push_back(s.data);
  }
  dead_name_bytes_ += s.name_size;
  s.live = false;
  overlay_.erase(ino);
}

void Tree::Remove(Ino ino) {
  const Slot* s = SlotOf(ino);
  if (s == nullptr || ino <= kLastFixed) return;
  const auto i = static_cast<Index>(ino);
  const Index parent = s->parent;
  Unlink(i);
  Invalidate(parent, NameOf(i));
  InvalidateInode(parent);
  KillSubtree(i);
}

void Tree::Move(Ino ino, Ino new_parent, std::string_view new_name) {
  if (SlotOf(ino) == nullptr) return;
  if (auto existing = Child(new_parent, new_name);
      existing && existing->ino != ino && existing->overlay) {
    Remove(existing->ino);
  }
  const auto i = static_cast<Index>(ino);
  const Index old_parent = slots_[i].parent;
  Unlink(i);
  Invalidate(old_parent, NameOf(i));
  InvalidateInode(old_parent);
  slots_[i].parent = static_cast<Index>(new_parent);
  SetName(i, new_name);
  Link(i);
  InvalidateInode(static_cast<Index>(new_parent));
}

void Tree::AdoptEntry(std::string_view photo_id, Ino ino, Ino top) {
  const auto target = static_cast<Index>(ino);
  if (SlotOf(target) != nullptr) return;  // still in use: nothing to hand over
  int v = 0;
  while (v < kViews && kViewSpecs[v].top != top) ++v;
  if (v == kViews) return;
  const Index serial = Serial(photo_id);
  PhotoRecord& rec = RecordOf(serial);
  const Index entry = rec.entry[v];
  if (!rec.live || entry == kNone || SlotOf(entry) == nullptr) {
    adopted_[serial] = {v, target};  // taken when the photo's entry is made
    return;
  }
  if (entry == target) return;
  // The photo is listed already (the feed was quicker): its entry moves to
  // the number.
  const Index folder = slots_[entry].parent;
  Unlink(entry);
  Invalidate(folder, NameOf(entry));
  SlotFor(target) = slots_[entry];
  slots_[entry].live = false;
  rec.entry[v] = target;
  Link(target);
  InvalidateInode(folder);
}

std::vector<Invalidation> Tree::Expire(std::int64_t now) {
  std::vector<Index> done;
  for (const auto& [ino, o] : overlay_) {
    const Slot* s = SlotOf(ino);
    if (s != nullptr && (s->kind == NodeKind::kStaged || s->kind == NodeKind::kScratch) &&
        o.writer == 0 && o.expires_at != 0 && o.expires_at <= now) {
      done.push_back(ino);
    }
  }
  // Its own invalidations only; earlier ones stay queued.
  std::vector<Invalidation> earlier = TakeInvalidations();
  for (Index ino : done) Remove(ino);
  // A folder's parent is marked (for now + the linger) only once it has
  // gone, so this sweeps again while folders go (a handful of levels).
  for (bool removed = true; removed;) {
    removed = false;
    std::vector<Index> due;
    for (const auto& [dir, until] : emptied_) {
      if (until <= now) due.push_back(dir);
    }
    for (Index dir : due) {
      emptied_.erase(dir);
      if (!IsEmptyGeneratedDir(dir)) continue;  // filled again meanwhile
      RemoveEmptyFolder(dir);
      removed = true;
    }
  }
  std::vector<Invalidation> expired = TakeInvalidations();
  inval_ = std::move(earlier);
  return expired;
}

// --- memory ---

void Tree::CompactNamesIfWasteful() {
  // Renames and rebuilds append names; the arena is written afresh once
  // most of it is dead, which costs a pass over the nodes but keeps a long
  // mount's memory where a fresh one's is.
  if (in_rebuild_ || names_.size() < (1u << 20) || dead_name_bytes_ * 2 < names_.size()) return;
  std::string fresh;
  fresh.reserve(names_.size() - dead_name_bytes_ + 4096);
  const auto copy = [&](Index at, std::uint16_t size) {
    const auto to = static_cast<Index>(fresh.size());
    fresh.append(names_, at, size);
    return to;
  };
  std::vector<Index> base_at(records_.size(), kNone);
  for (std::size_t serial = 0; serial < records_.size(); ++serial) {
    PhotoRecord& r = records_[serial];
    if (!r.live) {
      r.base_size = 0;  // a returning photo brings its name again
      r.base = 0;
      continue;
    }
    base_at[serial] = r.base;
    r.base = copy(r.base, r.base_size);
  }
  for (Slot& s : slots_) {
    if (!s.live) continue;
    if (s.kind == NodeKind::kPhoto && !s.overlay && base_at[s.data] == s.name) {
      s.name = records_[s.data].base;  // shared with the photo's own name, as before
    } else {
      s.name = copy(s.name, s.name_size);
    }
  }
  names_.swap(fresh);
  dead_name_bytes_ = 0;
}

}  // namespace octopus::fs
