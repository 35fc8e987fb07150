#include "core/db/database.h"

#include <chrono>
#include <thread>

namespace octopus::db {

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    return Status(Code::kIoError,
                  "cannot open database " + file.string() + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  EIO);
  }
  // Several processes share the file: wait for locks rather than fail.
  sqlite3_busy_timeout(raw, 30'000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
    if (Status s = db->Exec(pragma); !s.ok()) return s;
  }
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

namespace {

// The connection's last error as a Status: the one mapping of SQLite codes.
Status LastError(sqlite3* db, std::string_view what) {
  const int code = sqlite3_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Status::Busy(msg);
  if (code == SQLITE_CONSTRAINT) return Status::AlreadyExists(msg);
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return Status::Corrupt(msg);
  if (code == SQLITE_FULL) return Status(Code::kIoError, msg, ENOSPC);
  return Status(Code::kIoError, msg, EIO);
}

}  // namespace

Status Database::Error(std::string_view what) const { return LastError(db_, what); }

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error("sql");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  // Taken out of the cache, so a statement nested in another use of the
  // same SQL (a query run while iterating its twin) gets its own.
  if (auto it = cache_.find(sql); it != cache_.end()) {
    auto node = cache_.extract(it);
    return Statement(this, node.mapped(), std::move(node.key()));
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Error("prepare");
  }
  return Statement(this, stmt, std::string(sql));
}

void Database::Return(std::string sql, sqlite3_stmt* stmt) {
  // Reset releases the statement's read snapshot and locks, exactly as
  // finalizing it did.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (cache_.size() >= kMaxCached || !cache_.try_emplace(std::move(sql), stmt).second) {
    sqlite3_finalize(stmt);
  }
}

std::int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

Statement::~Statement() {
  if (stmt_) owner_->Return(std::move(sql_), stmt_);
}

int Statement::IndexOf(std::string_view name) {
  const std::string key(name);  // sqlite wants it NUL-terminated
  const int index = sqlite3_bind_parameter_index(stmt_, key.c_str());
  if (index == 0 && bind_error_.ok()) {
    bind_error_ = Status::Internal("sql: no parameter " + key + " in: " + sql_);
  }
  return index;
}

void Statement::Check(int rc, std::string_view name) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ =
        Status::Internal("sql: cannot bind " + std::string(name) + ": " + sqlite3_errstr(rc));
  }
}

Statement& Statement::Bind(std::string_view name, std::int64_t value) {
  if (const int i = IndexOf(name)) Check(sqlite3_bind_int64(stmt_, i, value), name);
  return *this;
}
Statement& Statement::Bind(std::string_view name, double value) {
  if (const int i = IndexOf(name)) Check(sqlite3_bind_double(stmt_, i, value), name);
  return *this;
}
Statement& Statement::Bind(std::string_view name, std::string_view text) {
  if (const int i = IndexOf(name)) {
    Check(sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
          name);
  }
  return *this;
}
Statement& Statement::BindNull(std::string_view name) {
  if (const int i = IndexOf(name)) Check(sqlite3_bind_null(stmt_, i), name);
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return LastError(db_, "sql");
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
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
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  return ReadTransaction(&db);
}

ReadTransaction::~ReadTransaction() {
  if (db_) (void)db_->Exec("COMMIT");
}

Result<Transaction> Transaction::Begin(Database& db) {
  // The busy handler is not called for a lock upgrade inside a WAL read
  // transaction, but BEGIN IMMEDIATE takes the lock up front, so it is.
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
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
