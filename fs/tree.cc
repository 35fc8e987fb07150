#include "fs/tree.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/grouping.h"

namespace octopus::fs {
namespace {

struct TopDir {
  Ino ino;
  const char* name;
  Area area;
};
constexpr TopDir kTopDirs[] = {{Tree::kAll, "all", Area::kAll},
                               {Tree::kByDate, "by-date", Area::kDate},
                               {Tree::kByCamera, "by-camera", Area::kCamera},
                               {Tree::kByPlace, "by-place", Area::kPlace},
                               {Tree::kImport, "import", Area::kImport}};

// "2024-07-14T10:11:12[.fff]" (+ "+02:00") -> seconds since the epoch.
std::int64_t ParseTime(const std::string& iso, const std::optional<std::string>& offset, bool* ok) {
  std::tm tm{};
  *ok = false;
  if (iso.size() < 19 ||
      std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if (offset && offset->size() == 6) {
    const int sign = (*offset)[0] == '-' ? -1 : 1;
    const int minutes = std::stoi(offset->substr(1, 2)) * 60 + std::stoi(offset->substr(4, 2));
    *ok = true;
    return static_cast<std::int64_t>(timegm(&tm)) - sign * minutes * 60;
  }
  tm.tm_isdst = -1;
  const std::time_t t = mktime(&tm);
  *ok = t != -1;
  return t;
}

}  // namespace

std::int64_t PhotoTime(const Photo& photo) {
  bool ok = false;
  std::int64_t t = ParseTime(photo.meta.taken_at, photo.meta.taken_at_offset, &ok);
  if (ok) return t;
  std::string imported = photo.imported_at;
  if (!imported.empty() && imported.back() == 'Z') imported.pop_back();
  t = ParseTime(imported, std::string("+00:00"), &ok);
  return ok ? t : 0;
}

Tree::Tree(std::int64_t mount_time) : mount_time_(mount_time) {
  Slot& root = Place(layout_, kRoot);
  root.parent = kRoot;
  root.live = true;
  root.data = 0;
  layout_.dirs.emplace_back();
  for (const TopDir& top : kTopDirs) {
    Slot& dir = Place(layout_, top.ino);
    dir.parent = kRoot;
    dir.name = AppendName(layout_, top.name);
    dir.name_size = static_cast<std::uint16_t>(std::string_view(top.name).size());
    dir.area = top.area;
    dir.live = true;
    dir.data = static_cast<Index>(layout_.dirs.size());
    layout_.dirs.emplace_back();
    Link(layout_, top.ino);
  }
}

Tree::Slot& Tree::Place(Layout& layout, Index ino) {
  if (ino >= layout.slots.size()) {
    layout.slots.resize(std::max<std::size_t>(ino + 1, next_ino_));
  }
  return layout.slots[ino];
}

Tree::Index Tree::AppendName(Layout& layout, std::string_view name) {
  // Names are path components (at most 255 bytes from core/grouping, at most
  // FUSE's 1024 from the kernel), so their size fits the slot's 16 bits.
  const auto at = static_cast<Index>(layout.names.size());
  layout.names.append(name);
  return at;
}

const Tree::Slot* Tree::SlotOf(Ino ino) const {
  if (ino >= layout_.slots.size()) return nullptr;
  const Slot& s = layout_.slots[ino];
  return s.live ? &s : nullptr;
}

const std::vector<Tree::Index>& Tree::ChildrenOf(Ino dir) const {
  static const std::vector<Index> kNoChildren;
  const Slot* s = SlotOf(dir);
  if (s == nullptr || s->kind != NodeKind::kDir) return kNoChildren;
  return layout_.dirs[s->data];
}

Node Tree::NodeAt(Index ino) const {
  const Slot& s = layout_.slots[ino];
  Node n;
  n.ino = ino;
  n.parent = s.parent;
  n.name = NameOf(layout_, s);
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
    const PhotoRecord& p = layout_.photos[s.data];
    n.photo_id = ids_[p.serial];
    n.size = p.size;
    n.mtime = p.mtime;
  } else {
    n.mtime = mount_time_;
  }
  return n;
}

std::optional<Node> Tree::Find(Ino ino) const {
  if (SlotOf(ino) == nullptr) return std::nullopt;
  return NodeAt(static_cast<Index>(ino));
}

std::optional<Node> Tree::Child(Ino parent, std::string_view name) const {
  const std::vector<Index>& kids = ChildrenOf(parent);
  auto it = std::lower_bound(kids.begin(), kids.end(), name, [&](Index c, std::string_view n) {
    return NameOf(layout_, layout_.slots[c]) < n;
  });
  if (it == kids.end() || NameOf(layout_, layout_.slots[*it]) != name) return std::nullopt;
  return NodeAt(*it);
}

std::size_t Tree::SubdirCount(Ino dir) const {
  std::size_t n = 0;
  for (Index c : ChildrenOf(dir)) n += layout_.slots[c].kind == NodeKind::kDir ? 1 : 0;
  return n;
}

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

void Tree::Link(Layout& layout, Index ino) {
  const Slot& s = layout.slots[ino];
  const Slot& parent = layout.slots[s.parent];
  if (!parent.live || parent.kind != NodeKind::kDir) return;
  std::vector<Index>& kids = layout.dirs[parent.data];
  const std::string_view name = NameOf(layout, s);
  auto it = std::lower_bound(kids.begin(), kids.end(), name, [&](Index c, std::string_view n) {
    return NameOf(layout, layout.slots[c]) < n;
  });
  if (it != kids.end() && NameOf(layout, layout.slots[*it]) == name) {
    *it = ino;  // shows over what had that name (a photo under a file being copied)
  } else {
    kids.insert(it, ino);
  }
}

void Tree::Unlink(Index ino) {
  const Slot& s = layout_.slots[ino];
  const Slot* parent = SlotOf(s.parent);
  if (parent == nullptr || parent->kind != NodeKind::kDir || s.parent == ino) return;
  std::vector<Index>& kids = layout_.dirs[parent->data];
  const std::string_view name = NameOf(layout_, s);
  auto it = std::lower_bound(kids.begin(), kids.end(), name, [&](Index c, std::string_view n) {
    return NameOf(layout_, layout_.slots[c]) < n;
  });
  if (it != kids.end() && *it == ino) kids.erase(it);
}

Tree::Index Tree::Serial(std::string_view photo_id) {
  auto it = serials_.find(photo_id);
  if (it != serials_.end()) return it->second;
  const auto serial = static_cast<Index>(ids_.size());
  ids_.emplace_back(photo_id);
  serials_.emplace(ids_.back(), serial);
  return serial;
}

Tree::Index Tree::NumberPhoto(Index dir, Index serial) {
  const std::uint64_t key = (static_cast<std::uint64_t>(dir) << 32) | serial;
  auto [it, added] = photo_numbers_.try_emplace(key, next_ino_);
  if (added) ++next_ino_;
  return it->second;
}

Tree::Index Tree::NumberDir(Index parent, std::string_view name) {
  auto [it, added] = dir_numbers_.try_emplace({parent, std::string(name)}, next_ino_);
  if (added) ++next_ino_;
  return it->second;
}

Tree::Index Tree::AddGeneratedDir(Layout& layout, Index parent, std::string_view name, Area area) {
  const Index ino = NumberDir(parent, name);
  Slot& d = Place(layout, ino);
  if (!d.live) {
    d.parent = parent;
    d.name = AppendName(layout, name);
    d.name_size = static_cast<std::uint16_t>(name.size());
    d.kind = NodeKind::kDir;
    d.area = area;
    d.live = true;
    d.data = static_cast<Index>(layout.dirs.size());
    layout.dirs.emplace_back();
    layout.dirs[layout.slots[parent].data].push_back(ino);
  }
  return ino;
}

std::vector<Invalidation> Tree::Rebuild(const std::vector<Photo>& photos) {
  Layout fresh;
  fresh.slots.resize(next_ino_);
  fresh.names.reserve(layout_.names.size());
  // Fixed directories, without their generated children; the root keeps
  // the top directories.
  for (Ino ino : {kRoot, kAll, kByDate, kByCamera, kByPlace, kImport}) {
    Slot s = layout_.slots[ino];
    s.name = AppendName(fresh, NameOf(layout_, s));
    s.data = static_cast<Index>(fresh.dirs.size());
    fresh.dirs.emplace_back();
    fresh.slots[ino] = s;
    if (ino != kRoot) fresh.dirs[fresh.slots[kRoot].data].push_back(static_cast<Index>(ino));
  }
  static constexpr struct {
    Ino top;
    Area area;
    View view;
  } kViews[] = {{kByDate, Area::kDate, View::kDate},
                {kByCamera, Area::kCamera, View::kCamera},
                {kByPlace, Area::kPlace, View::kPlace}};

  fresh.photos.resize(photos.size());
  for (std::size_t i = 0; i < photos.size(); ++i) {
    fresh.photos[i] = {Serial(photos[i].id), photos[i].size, PhotoTime(photos[i])};
  }
  // A photo's name in a view is nearly always its name in all/: stored once.
  struct NameRef {
    Index at = 0;
    std::uint16_t size = 0;
  };
  std::vector<NameRef> all_names(photos.size());

  // Photos per folder, then distinct names per folder (stable across
  // remounts: core/grouping orders by import time and id).
  auto add_files = [&](Index dir, Area area, const std::vector<const Photo*>& in_folder) {
    const std::vector<std::string> names = DistinctNames(in_folder);
    std::vector<Index>& kids = fresh.dirs[fresh.slots[dir].data];
    kids.reserve(kids.size() + in_folder.size());
    for (std::size_t i = 0; i < in_folder.size(); ++i) {
      const auto p = static_cast<Index>(in_folder[i] - photos.data());
      const Index ino = NumberPhoto(dir, fresh.photos[p].serial);
      Slot& f = Place(fresh, ino);
      if (f.live) continue;  // the same photo twice
      f.parent = dir;
      f.kind = NodeKind::kPhoto;
      f.area = area;
      f.live = true;
      f.data = p;
      NameRef& known = all_names[p];
      if (dir != kAll && std::string_view(fresh.names).substr(known.at, known.size) == names[i]) {
        f.name = known.at;
      } else {
        f.name = AppendName(fresh, names[i]);
        if (dir == kAll) known = {f.name, static_cast<std::uint16_t>(names[i].size())};
      }
      f.name_size = static_cast<std::uint16_t>(names[i].size());
      kids.push_back(ino);
    }
  };
  {
    std::vector<const Photo*> all;
    all.reserve(photos.size());
    for (const Photo& p : photos) all.push_back(&p);
    add_files(kAll, Area::kAll, all);
  }
  for (const auto& v : kViews) {
    std::map<std::vector<std::string>, std::vector<const Photo*>> folders;
    for (const Photo& p : photos) {
      auto path = ViewFolder(p, v.view);
      if (!path.empty()) folders[std::move(path)].push_back(&p);
    }
    for (const auto& [path, in_folder] : folders) {
      auto dir = static_cast<Index>(v.top);
      for (const std::string& part : path) dir = AddGeneratedDir(fresh, dir, part, v.area);
      add_files(dir, v.area, in_folder);
    }
  }
  // Children by name; where a folder and a photo share a name (a country's
  // own photos beside its regions), the one added last is listed, as a
  // later insertion into a map would replace the earlier one.
  for (std::vector<Index>& kids : fresh.dirs) {
    std::stable_sort(kids.begin(), kids.end(), [&](Index a, Index b) {
      return NameOf(fresh, fresh.slots[a]) < NameOf(fresh, fresh.slots[b]);
    });
    auto out = kids.begin();
    for (auto it = kids.begin(); it != kids.end(); ++it) {
      if (out != kids.begin() &&
          NameOf(fresh, fresh.slots[*(out - 1)]) == NameOf(fresh, fresh.slots[*it])) {
        *(out - 1) = *it;
      } else {
        *out++ = *it;
      }
    }
    kids.erase(out, kids.end());
  }
  // The overlay goes back where it was, over any generated entry of the
  // same name.
  std::vector<Index> overlay;
  overlay.reserve(overlay_.size());
  for (const auto& [ino, data] : overlay_) overlay.push_back(ino);
  std::sort(overlay.begin(), overlay.end());
  for (Index ino : overlay) {
    Slot s = layout_.slots[ino];
    s.name = AppendName(fresh, NameOf(layout_, s));
    if (s.kind == NodeKind::kDir) {
      s.data = static_cast<Index>(fresh.dirs.size());
      fresh.dirs.emplace_back();
    }
    Place(fresh, ino) = s;
  }
  for (Index ino : overlay) Link(fresh, ino);

  // What changed, for the kernel's caches.
  auto size_time = [&](const Layout& layout,
                       const Slot& s) -> std::pair<std::int64_t, std::int64_t> {
    if (s.kind != NodeKind::kPhoto || s.overlay) return {0, 0};  // the overlay's data stays
    const PhotoRecord& p = layout.photos[s.data];
    return {p.size, p.mtime};
  };
  std::vector<Invalidation> inval;
  for (std::size_t ino = 0; ino < layout_.slots.size(); ++ino) {
    const Slot& old = layout_.slots[ino];
    if (!old.live || ino >= fresh.slots.size() || !fresh.slots[ino].live) continue;
    const Slot& now = fresh.slots[ino];
    if (old.kind == NodeKind::kDir) {
      static const std::vector<Index> kNone;
      const std::vector<Index>& was = layout_.dirs[old.data];
      const std::vector<Index>& is = now.kind == NodeKind::kDir ? fresh.dirs[now.data] : kNone;
      bool changed = was.size() != is.size();
      auto at = is.begin();
      for (Index child : was) {
        const std::string_view name = NameOf(layout_, layout_.slots[child]);
        while (at != is.end() && NameOf(fresh, fresh.slots[*at]) < name) ++at;
        if (at == is.end() || NameOf(fresh, fresh.slots[*at]) != name || *at != child) {
          inval.push_back({ino, std::string(name), 0});
          changed = true;
        }
      }
      if (changed) inval.push_back({0, "", ino});
    } else if (size_time(layout_, old) != size_time(fresh, now)) {
      inval.push_back({0, "", ino});
    }
  }
  layout_ = std::move(fresh);
  return inval;
}

Node Tree::AddOverlay(Ino parent, std::string_view name, NodeKind kind, Area area) {
  const Index ino = next_ino_++;
  const Index at = AppendName(layout_, name);
  Slot& s = Place(layout_, ino);
  s.parent = static_cast<Index>(parent);
  s.name = at;
  s.name_size = static_cast<std::uint16_t>(name.size());
  s.kind = kind;
  s.area = area;
  s.live = true;
  s.overlay = true;
  if (kind == NodeKind::kDir) {
    s.data = static_cast<Index>(layout_.dirs.size());
    layout_.dirs.emplace_back();
  }
  overlay_[ino].mtime = std::time(nullptr);
  Link(layout_, ino);
  return NodeAt(ino);
}

void Tree::Remove(Ino ino) {
  const Slot* s = SlotOf(ino);
  if (s == nullptr || ino == kRoot) return;
  const auto i = static_cast<Index>(ino);
  if (s->kind == NodeKind::kDir) {
    const std::vector<Index> below = layout_.dirs[s->data];
    for (Index child : below) Remove(child);
    std::vector<Index>().swap(layout_.dirs[layout_.slots[i].data]);
  }
  Unlink(i);
  layout_.slots[i].live = false;
  overlay_.erase(i);
}

void Tree::Move(Ino ino, Ino new_parent, std::string_view new_name) {
  if (SlotOf(ino) == nullptr) return;
  if (auto existing = Child(new_parent, new_name); existing && existing->ino != ino) {
    Remove(existing->ino);
  }
  const auto i = static_cast<Index>(ino);
  Unlink(i);
  const Index at = AppendName(layout_, new_name);
  Slot& s = layout_.slots[i];
  s.parent = static_cast<Index>(new_parent);
  s.name = at;
  s.name_size = static_cast<std::uint16_t>(new_name.size());
  Link(layout_, i);
}

void Tree::AdoptAllEntry(std::string_view photo_id, Ino ino) {
  const std::uint64_t key = (static_cast<std::uint64_t>(kAll) << 32) | Serial(photo_id);
  photo_numbers_.try_emplace(key, static_cast<Index>(ino));
}

std::vector<Invalidation> Tree::Expire(std::int64_t now) {
  std::vector<Index> done;
  for (const auto& [ino, o] : overlay_) {
    const Slot* s = SlotOf(ino);
    if (s != nullptr && s->kind == NodeKind::kStaged && o.writer == 0 && o.expires_at != 0 &&
        o.expires_at <= now) {
      done.push_back(ino);
    }
  }
  std::vector<Invalidation> inval;
  for (Index ino : done) {
    const Node n = NodeAt(ino);
    inval.push_back({n.parent, std::string(n.name), 0});
    inval.push_back({0, "", n.parent});
    Remove(ino);
  }
  return inval;
}

}  // namespace octopus::fs
