#include "core/import_records.h"

#include "core/store/run_in_transaction.h"

namespace octopus {

Status ImportRecords::Put(UserId owner, const ImportEntry& entry) {
  return RunInTransaction(pool_,
                          [&](db::Database& db) { return ImportStore(db).Put(owner, entry); });
}

Status ImportRecords::SetMtime(UserId owner, const std::string& path, std::int64_t mtime) {
  return RunInTransaction(
      pool_, [&](db::Database& db) { return ImportStore(db).SetMtime(owner, path, mtime); });
}

Status ImportRecords::Remove(UserId owner, const std::string& path) {
  return RunInTransaction(pool_,
                          [&](db::Database& db) { return ImportStore(db).Remove(owner, path); });
}

Status ImportRecords::Move(UserId owner, const std::string& from, const std::string& to) {
  return RunInTransaction(pool_,
                          [&](db::Database& db) { return ImportStore(db).Move(owner, from, to); });
}

Status ImportRecords::ForEach(UserId owner, const std::function<void(const ImportEntry&)>& visit) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ImportStore(*db).ForEach(owner, visit);
}

}  // namespace octopus
