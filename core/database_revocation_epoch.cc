#include "core/database_revocation_epoch.h"

#include "core/store/revocation_store.h"

namespace octopus {
namespace {

TransactionBody AndBump(const TransactionBody& body) {
  return [&body](db::Database& db) -> Status {
    RETURN_IF_ERROR(body(db));
    return RevocationStore(db).Bump();
  };
}

}  // namespace

std::optional<std::uint64_t> DatabaseRevocationEpoch::Stable() const {
  auto db = pool_.Acquire();
  if (!db.ok()) return std::nullopt;
  auto epoch = RevocationStore(**db).Read();
  if (!epoch.ok()) return std::nullopt;
  return *epoch;
}

Status DatabaseRevocationEpoch::RunRevoking(ConnectionPool& pool, const TransactionBody& body) {
  return RunInTransaction(pool, AndBump(body));
}

Status DatabaseRevocationEpoch::RunRevoking(db::Database& db, const TransactionBody& body) {
  return RunInTransaction(db, AndBump(body));
}

}  // namespace octopus
