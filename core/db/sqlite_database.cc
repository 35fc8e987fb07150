// The SQLite backend of core/db/database.h: the embedded default. Behaviour
// is the layer's from before the PostgreSQL backend, moved, not changed.
#include <sqlite3.h>

#include "core/db/database.h"

namespace octopus::db {
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

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql)
      : db_(db), stmt_(stmt), sql_(sql) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  Status BindInt(std::string_view name, std::int64_t value) override {
    const int i = IndexOf(name);
    return i ? Check(sqlite3_bind_int64(stmt_, i, value), name) : NoSuch(name);
  }
  Status BindDouble(std::string_view name, double value) override {
    const int i = IndexOf(name);
    return i ? Check(sqlite3_bind_double(stmt_, i, value), name) : NoSuch(name);
  }
  Status BindText(std::string_view name, std::string_view text) override {
    const int i = IndexOf(name);
    return i ? Check(sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8),
                     name)
             : NoSuch(name);
  }
  Status BindNull(std::string_view name) override {
    const int i = IndexOf(name);
    return i ? Check(sqlite3_bind_null(stmt_, i), name) : NoSuch(name);
  }

  Result<bool> Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return LastError(db_, "sql");
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  int IndexOf(std::string_view name) const {
    const std::string key(name);  // sqlite wants it NUL-terminated
    return sqlite3_bind_parameter_index(stmt_, key.c_str());
  }
  Status NoSuch(std::string_view name) const {
    return Status::Internal("sql: no parameter " + std::string(name) + " in: " + sql_);
  }
  static Status Check(int rc, std::string_view name) {
    if (rc == SQLITE_OK) return Status::Ok();
    return Status::Internal("sql: cannot bind " + std::string(name) + ": " + sqlite3_errstr(rc));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;  // for messages
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    ClearCache();  // finalizes before the close
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  Status Exec(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      sqlite3_free(err);
      return LastError(db_, "sql");
    }
    return Status::Ok();
  }

  int Changes() const override { return sqlite3_changes(db_); }

  // Deferred: the snapshot starts at the first read.
  std::string_view BeginReadSql() const override { return "BEGIN"; }
  // The busy handler is not called for a lock upgrade inside a WAL read
  // transaction, but BEGIN IMMEDIATE takes the lock up front, so it is.
  std::string_view BeginWriteSql() const override { return "BEGIN IMMEDIATE"; }

 protected:
  Result<std::unique_ptr<StatementImpl>> Compile(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      return LastError(db_, "prepare");
    }
    return std::unique_ptr<StatementImpl>(new SqliteStatement(db_, stmt, sql));
  }

 private:
  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new SqliteDatabase(raw));
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

Result<std::unique_ptr<Database>> Database::OpenReadOnly(const std::filesystem::path& file) {
  // SQLITE_OPEN_READONLY alone would still open a missing file's name as an
  // empty database on some paths: say "no database" instead.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Status::NotFound("no database at " + file.string());
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new SqliteDatabase(raw));
  if (rc != SQLITE_OK) {
    return Status(Code::kIoError,
                  "cannot open database " + file.string() + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  EIO);
  }
  sqlite3_busy_timeout(raw, 30'000);
  return db;
}

}  // namespace octopus::db
