#include "core/import_records.h"

namespace octopus {

Status ImportRecords::Put(UserId owner, const ImportEntry& entry) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ImportStore(*db).Put(owner, entry);
}

Status ImportRecords::SetMtime(UserId owner, const std::string& path, std::int64_t mtime) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ImportStore(*db).SetMtime(owner, path, mtime);
}

Status ImportRecords::Remove(UserId owner, const std::string& path) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ImportStore(*db).Remove(owner, path);
}

Status ImportRecords::Move(UserId owner, const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
  RETURN_IF_ERROR(ImportStore(*db).Move(owner, from, to));
  return tx.Commit();
}

Status ImportRecords::ForEach(UserId owner, const std::function<void(const ImportEntry&)>& visit) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ImportStore(*db).ForEach(owner, visit);
}

}  // namespace octopus
