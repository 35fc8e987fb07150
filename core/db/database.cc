#include "core/db/database.h"

namespace octopus::db {

Database::~Database() = default;

Result<Statement> Database::Prepare(std::string_view sql) {
  // Taken out of the cache, so a statement nested in another use of the
  // same SQL (a query run while iterating its twin) gets its own.
  if (auto it = cache_.find(sql); it != cache_.end()) {
    auto node = cache_.extract(it);
    return Statement(this, std::move(node.mapped()), std::move(node.key()));
  }
  ASSIGN_OR_RETURN(auto impl, Compile(sql));
  ++compiled_count_;
  return Statement(this, std::move(impl), std::string(sql));
}

void Database::Return(std::string sql, std::unique_ptr<StatementImpl> stmt) {
  // Reset releases the statement's read snapshot and locks (SQLite) or its
  // result (PostgreSQL), exactly as finalizing it did.
  stmt->Reset();
  if (cache_.size() < kMaxCached) cache_.try_emplace(std::move(sql), std::move(stmt));
}

Statement::~Statement() {
  if (impl_) owner_->Return(std::move(sql_), std::move(impl_));
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  return impl_->Step();
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

void Statement::Reset() {
  impl_->Reset();
  bind_error_ = Status::Ok();
}

std::optional<std::int64_t> Statement::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}
std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}
std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

Result<ReadTransaction> ReadTransaction::Begin(Database& db) {
  RETURN_IF_ERROR(db.Exec(db.BeginReadSql()));
  return ReadTransaction(&db);
}

ReadTransaction::~ReadTransaction() {
  if (db_) (void)db_->Exec("COMMIT");
}

Result<Transaction> Transaction::Begin(Database& db) {
  RETURN_IF_ERROR(db.Exec(db.BeginWriteSql()));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status s = db_->Exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace octopus::db
