#include "core/store/import_store.h"

namespace octopus {
namespace {

// The rows below folder `path`: path/ followed by anything. ('/' + 1 is
// '0', so [path/, path0) is exactly the paths that start with "path/".)
std::string Below(const std::string& path) { return path + "/"; }
std::string BelowEnd(const std::string& path) { return path + "0"; }

}  // namespace

Status ImportStore::Put(UserId owner, const ImportEntry& entry) {
  // An upsert both backends run (SQLite's INSERT OR REPLACE is its own).
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("INSERT INTO import_entries (owner, path, size, mtime, photo_id) "
                               "VALUES (:owner, :path, :size, :mtime, :photo_id) "
                               "ON CONFLICT (owner, path) DO UPDATE SET size = excluded.size, "
                               "mtime = excluded.mtime, photo_id = excluded.photo_id"));
  stmt.Bind(":owner", owner)
      .Bind(":path", entry.path)
      .Bind(":size", entry.size)
      .Bind(":mtime", entry.mtime)
      .Bind(":photo_id", entry.photo_id);
  return stmt.Run();
}

Status ImportStore::SetMtime(UserId owner, const std::string& path, std::int64_t mtime) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE import_entries SET mtime = :mtime "
                                          "WHERE owner = :owner AND path = :path"));
  stmt.Bind(":mtime", mtime).Bind(":owner", owner).Bind(":path", path);
  return stmt.Run();
}

Status ImportStore::Remove(UserId owner, const std::string& path) {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("DELETE FROM import_entries WHERE owner = :owner AND "
                               "(path = :path OR (path >= :below AND path < :below_end))"));
  stmt.Bind(":owner", owner)
      .Bind(":path", path)
      .Bind(":below", Below(path))
      .Bind(":below_end", BelowEnd(path));
  return stmt.Run();
}

Status ImportStore::Move(UserId owner, const std::string& from, const std::string& to) {
  if (from == to) return Status::Ok();
  RETURN_IF_ERROR(Remove(owner, to));
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("UPDATE import_entries SET path = CAST(:to AS TEXT) || "
                               "substr(path, :from_size + 1) "
                               "WHERE owner = :owner AND "
                               "(path = :from OR (path >= :below AND path < :below_end))"));
  stmt.Bind(":to", to)
      .Bind(":from_size", static_cast<std::int64_t>(from.size()))
      .Bind(":owner", owner)
      .Bind(":from", from)
      .Bind(":below", Below(from))
      .Bind(":below_end", BelowEnd(from));
  return stmt.Run();
}

Status ImportStore::ForEach(UserId owner, const std::function<void(const ImportEntry&)>& visit) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT path, size, mtime, photo_id FROM import_entries "
                                          "WHERE owner = :owner ORDER BY path"));
  stmt.Bind(":owner", owner);
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return Status::Ok();
    visit(ImportEntry{stmt.Text(0), stmt.Int(1), stmt.Int(2), stmt.Text(3)});
  }
}

}  // namespace octopus
