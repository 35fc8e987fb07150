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
  Node root;
  root.ino = kRoot;
  root.parent = kRoot;
  root.mtime = mount_time;
  for (const TopDir& top : kTopDirs) {
    Node dir;
    dir.ino = top.ino;
    dir.parent = kRoot;
    dir.name = top.name;
    dir.area = top.area;
    dir.mtime = mount_time;
    root.children[top.name] = top.ino;
    nodes_[top.ino] = std::move(dir);
  }
  nodes_[kRoot] = std::move(root);
}

Node* Tree::Find(Ino ino) {
  auto it = nodes_.find(ino);
  return it == nodes_.end() ? nullptr : &it->second;
}

Node* Tree::Child(Ino parent, const std::string& name) {
  Node* dir = Find(parent);
  if (dir == nullptr || dir->kind != NodeKind::kDir) return nullptr;
  auto it = dir->children.find(name);
  return it == dir->children.end() ? nullptr : Find(it->second);
}

bool Tree::InImport(Ino ino) {
  for (int depth = 0; depth < 4096; ++depth) {
    if (ino == kImport) return true;
    const Node* n = Find(ino);
    if (n == nullptr || ino == kRoot) return false;
    ino = n->parent;
  }
  return false;
}

Ino Tree::Number(const std::string& key) {
  auto [it, added] = numbers_.try_emplace(key, next_ino_);
  if (added) ++next_ino_;
  return it->second;
}

Node& Tree::AddGenerated(std::unordered_map<Ino, Node>& nodes, Ino parent, const std::string& key,
                         const std::string& name, NodeKind kind, Area area) {
  const Ino ino = Number(key);
  Node& n = nodes[ino];
  if (n.ino == 0) {
    n.ino = ino;
    n.parent = parent;
    n.name = name;
    n.kind = kind;
    n.area = area;
    n.mtime = mount_time_;
    nodes[parent].children[name] = ino;
  }
  return n;
}

std::vector<Invalidation> Tree::Rebuild(const std::vector<Photo>& photos) {
  std::unordered_map<Ino, Node> fresh;
  // Fixed directories, without their generated children.
  for (Ino ino : {kRoot, kAll, kByDate, kByCamera, kByPlace, kImport}) {
    Node n = nodes_[ino];
    if (ino != kRoot) n.children.clear();
    fresh[ino] = std::move(n);
  }
  static constexpr struct {
    Ino top;
    const char* key;
    Area area;
    View view;
  } kViews[] = {{kByDate, "date", Area::kDate, View::kDate},
                {kByCamera, "camera", Area::kCamera, View::kCamera},
                {kByPlace, "place", Area::kPlace, View::kPlace}};

  // Photos per folder, then distinct names per folder (stable across
  // remounts: core/grouping orders by import time and id).
  auto add_files = [&](Ino dir, Area area, const std::string& dir_key,
                       const std::vector<const Photo*>& in_folder) {
    const std::vector<std::string> names = DistinctNames(in_folder);
    for (std::size_t i = 0; i < in_folder.size(); ++i) {
      const Photo& p = *in_folder[i];
      Node& f =
          AddGenerated(fresh, dir, "p:" + dir_key + "/" + p.id, names[i], NodeKind::kPhoto, area);
      f.photo_id = p.id;
      f.size = p.size;
      f.mtime = PhotoTime(p);
    }
  };
  std::vector<const Photo*> all;
  all.reserve(photos.size());
  for (const Photo& p : photos) all.push_back(&p);
  add_files(kAll, Area::kAll, "all", all);

  for (const auto& v : kViews) {
    std::map<std::vector<std::string>, std::vector<const Photo*>> folders;
    for (const Photo& p : photos) {
      auto path = ViewFolder(p, v.view);
      if (!path.empty()) folders[std::move(path)].push_back(&p);
    }
    for (const auto& [path, in_folder] : folders) {
      Ino dir = v.top;
      std::string key = std::string("d:") + v.key;
      for (const std::string& part : path) {
        key += "/" + part;
        Node& d = AddGenerated(fresh, dir, key, part, NodeKind::kDir, v.area);
        dir = d.ino;
      }
      add_files(dir, v.area, key, in_folder);
    }
  }
  // The overlay goes back where it was (parents first: they are either fixed
  // directories or overlay directories, numbered before their children).
  std::vector<const Node*> overlay;
  for (const auto& [ino, n] : nodes_) {
    if (n.overlay) overlay.push_back(&n);
  }
  std::sort(overlay.begin(), overlay.end(),
            [](const Node* a, const Node* b) { return a->ino < b->ino; });
  for (const Node* n : overlay) {
    Node copy = *n;
    if (copy.kind == NodeKind::kDir) {
      std::map<std::string, Ino> kept;
      copy.children = kept;  // refilled as children are re-added
    }
    fresh[copy.ino] = copy;
  }
  for (const Node* n : overlay) {
    auto parent = fresh.find(n->parent);
    if (parent != fresh.end()) parent->second.children[n->name] = n->ino;
  }

  // What changed, for the kernel's caches.
  std::vector<Invalidation> inval;
  for (const auto& [ino, old] : nodes_) {
    auto now = fresh.find(ino);
    if (now == fresh.end()) continue;
    if (old.kind == NodeKind::kDir) {
      if (old.children == now->second.children) continue;
      for (const auto& [name, child] : old.children) {
        auto it = now->second.children.find(name);
        if (it == now->second.children.end() || it->second != child) {
          inval.push_back({ino, name, 0});
        }
      }
      inval.push_back({0, "", ino});
    } else if (old.size != now->second.size || old.mtime != now->second.mtime) {
      inval.push_back({0, "", ino});
    }
  }
  nodes_ = std::move(fresh);
  return inval;
}

Node& Tree::AddOverlay(Ino parent, const std::string& name, NodeKind kind, Area area) {
  const Ino ino = next_ino_++;
  Node& n = nodes_[ino];
  n.ino = ino;
  n.parent = parent;
  n.name = name;
  n.kind = kind;
  n.area = area;
  n.overlay = true;
  n.mtime = std::time(nullptr);
  nodes_[parent].children[name] = ino;
  return n;
}

void Tree::Remove(Ino ino) {
  Node* n = Find(ino);
  if (n == nullptr || ino == kRoot) return;
  std::vector<Ino> below;
  for (const auto& [name, child] : n->children) below.push_back(child);
  for (Ino child : below) Remove(child);
  n = Find(ino);
  if (Node* parent = Find(n->parent)) {
    auto it = parent->children.find(n->name);
    if (it != parent->children.end() && it->second == ino) parent->children.erase(it);
  }
  nodes_.erase(ino);
}

void Tree::Move(Ino ino, Ino new_parent, const std::string& new_name) {
  Node* n = Find(ino);
  if (n == nullptr) return;
  if (Node* existing = Child(new_parent, new_name); existing != nullptr && existing->ino != ino) {
    Remove(existing->ino);
    n = Find(ino);
  }
  if (Node* parent = Find(n->parent)) parent->children.erase(n->name);
  n->parent = new_parent;
  n->name = new_name;
  nodes_[new_parent].children[new_name] = ino;
}

void Tree::AdoptAllEntry(const std::string& photo_id, Ino ino) {
  numbers_.try_emplace("p:all/" + photo_id, ino);
}

std::vector<Invalidation> Tree::Expire(std::int64_t now) {
  std::vector<Ino> done;
  for (const auto& [ino, n] : nodes_) {
    if (n.kind == NodeKind::kStaged && n.writer == 0 && n.expires_at != 0 && n.expires_at <= now) {
      done.push_back(ino);
    }
  }
  std::vector<Invalidation> inval;
  for (Ino ino : done) {
    const Node* n = Find(ino);
    inval.push_back({n->parent, n->name, 0});
    inval.push_back({0, "", n->parent});
    Remove(ino);
  }
  return inval;
}

}  // namespace octopus::fs
