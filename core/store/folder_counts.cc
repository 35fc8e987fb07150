#include "core/store/folder_counts.h"

#include <map>

#include "core/store/photo_store.h"

namespace octopus {
namespace {
constexpr View kViews[] = {View::kDate, View::kCamera, View::kPlace};
}  // namespace

std::string FolderKey(const Photo& photo, View view) {
  std::string key;
  for (const std::string& part : ViewFolder(photo, view)) {
    if (!key.empty()) key.push_back('/');
    key += part;
  }
  return key;
}

Status FolderCounts::AddToFolder(UserId owner, View view, const std::string& path, int delta) {
  if (path.empty()) return Status::Ok();
  // `folders.count`, qualified: PostgreSQL finds a bare `count` ambiguous
  // beside `excluded.count`; SQLite reads both.
  ASSIGN_OR_RETURN(auto add,
                   db_.Prepare("INSERT INTO folders (owner, view, path, count) "
                               "VALUES (:owner, :view, :path, :delta) ON CONFLICT "
                               "(owner, view, path) DO UPDATE SET count = folders.count + :delta"));
  add.Bind(":owner", owner).Bind(":view", static_cast<int>(view)).Bind(":path", path);
  add.Bind(":delta", delta);
  RETURN_IF_ERROR(add.Run());
  if (delta > 0) return Status::Ok();
  ASSIGN_OR_RETURN(auto drop, db_.Prepare("DELETE FROM folders WHERE owner = :owner AND "
                                          "view = :view AND path = :path AND count <= 0"));
  drop.Bind(":owner", owner).Bind(":view", static_cast<int>(view)).Bind(":path", path);
  return drop.Run();
}

Status FolderCounts::Add(const Photo& photo, int delta) {
  if (photo.trashed_at) return Status::Ok();  // in no view's folder
  for (View view : kViews) {
    RETURN_IF_ERROR(AddToFolder(photo.owner, view, FolderKey(photo, view), delta));
  }
  return Status::Ok();
}

Result<FolderNode> FolderCounts::Tree(UserId owner, View view) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT path, count FROM folders "
                                          "WHERE owner = :owner AND view = :view"));
  stmt.Bind(":owner", owner).Bind(":view", static_cast<int>(view));
  FolderNode root;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    const std::string path = stmt.Text(0);
    const std::int64_t count = stmt.Int(1);
    root.count += count;
    FolderNode* node = &root;
    for (std::size_t at = 0; at <= path.size();) {
      std::size_t end = path.find('/', at);
      if (end == std::string::npos) end = path.size();
      node = &node->children[path.substr(at, end - at)];
      node->count += count;
      at = end + 1;
    }
  }
  return root;
}

Status FolderCounts::Rebuild() {
  RETURN_IF_ERROR(db_.Exec("DELETE FROM folders"));
  std::map<std::tuple<UserId, int, std::string>, std::int64_t> counts;
  RETURN_IF_ERROR(PhotoStore(db_).ForEachInLibrary([&](const Photo& p) {
    if (p.trashed_at) return;
    for (View view : kViews) {
      if (std::string key = FolderKey(p, view); !key.empty()) {
        ++counts[{p.owner, static_cast<int>(view), std::move(key)}];
      }
    }
  }));
  ASSIGN_OR_RETURN(auto add, db_.Prepare("INSERT INTO folders (owner, view, path, count) "
                                         "VALUES (:owner, :view, :path, :count)"));
  for (const auto& [key, count] : counts) {
    add.Reset();
    add.Bind(":owner", std::get<0>(key)).Bind(":view", std::get<1>(key));
    add.Bind(":path", std::get<2>(key)).Bind(":count", count);
    RETURN_IF_ERROR(add.Run());
  }
  return Status::Ok();
}

}  // namespace octopus
