#include "core/store/revocation_store.h"

namespace octopus {

Result<std::uint64_t> RevocationStore::Read() {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT epoch FROM revocation_epoch WHERE id = 1"));
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::Internal("the revocation_epoch row is missing");
  return static_cast<std::uint64_t>(stmt.Int(0));
}

Status RevocationStore::Bump() {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1"));
  RETURN_IF_ERROR(stmt.Run());
  if (db_.Changes() != 1) return Status::Internal("the revocation_epoch row is missing");
  return Status::Ok();
}

}  // namespace octopus
