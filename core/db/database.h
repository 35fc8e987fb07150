// Thin RAII layer over SQLite, private to core/: a connection that closes
// itself, statements that finalize themselves, transactions that roll back
// unless committed. Not thread-safe: one Database per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace octopus::db {

class Statement;

class Database {
 public:
  // Opens (creating) the file with WAL, foreign keys, a busy timeout.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  // Statements are cached per connection, keyed by their SQL text: a
  // Statement takes its compiled program out of the cache and puts it back,
  // reset, when it is destroyed. Parsing costs far more than running the
  // short queries of a request (a third of an API request's CPU before).
  Result<Statement> Prepare(std::string_view sql);
  std::int64_t LastInsertRowid() const;
  int Changes() const;
  sqlite3* handle() { return db_; }
  Status Error(std::string_view what) const;  // the connection's last error

 private:
  friend class Statement;
  explicit Database(sqlite3* db) : db_(db) {}
  void Return(std::string sql, sqlite3_stmt* stmt);

  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Bounded: SQL built from a query's filters has a few shapes, not many.
  static constexpr std::size_t kMaxCached = 64;

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept
      : owner_(other.owner_),
        db_(other.db_),
        stmt_(other.stmt_),
        sql_(std::move(other.sql_)),
        bind_error_(std::move(other.bind_error_)) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds by name (":owner"): the SQL says what each value is, and the
  // same name may appear several times. An unknown name or a failed bind
  // is kept and returned by the next Step or Run, so a typo in a name is an
  // error, never a silently NULL parameter.
  Statement& Bind(std::string_view name, std::int64_t value);
  Statement& Bind(std::string_view name, int value) {
    return Bind(name, static_cast<std::int64_t>(value));
  }
  Statement& Bind(std::string_view name, bool value) = delete;  // say 0 or 1
  Statement& Bind(std::string_view name, double value);
  Statement& Bind(std::string_view name, std::string_view text);
  Statement& Bind(std::string_view name, const char* text) {
    return Bind(name, std::string_view(text));
  }
  Statement& Bind(std::string_view name, const std::string& text) {
    return Bind(name, std::string_view(text));
  }
  Statement& BindNull(std::string_view name);
  template <typename T>
  Statement& Bind(std::string_view name, const std::optional<T>& value) {
    return value ? Bind(name, *value) : BindNull(name);
  }

  // Step: true when a row is available, false when done; errors as Status.
  Result<bool> Step();
  Status Run();  // Step until done, for statements without rows.
  void Reset();  // ready to bind and run again; forgets a bind error

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  friend class Database;
  Statement(Database* owner, sqlite3_stmt* stmt, std::string sql)
      : owner_(owner), db_(owner->db_), stmt_(stmt), sql_(std::move(sql)) {}
  // The parameter's index, or 0 after recording why there is none.
  int IndexOf(std::string_view name);
  void Check(int rc, std::string_view name);
  Database* owner_;  // takes the statement back into its cache
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;  // the cache key
  Status bind_error_;
};

// BEGIN (deferred) for reading: every query inside sees one snapshot of the
// database, so a feed position and the rows read with it agree. Ends (and
// releases the snapshot) when destroyed; never throws.
class ReadTransaction {
 public:
  static Result<ReadTransaction> Begin(Database& db);
  ReadTransaction(ReadTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ~ReadTransaction();

 private:
  explicit ReadTransaction(Database* db) : db_(db) {}
  Database* db_;
};

// BEGIN IMMEDIATE: takes the write lock at once, so a check-then-write (the
// quota) cannot interleave with another process's write.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();  // rolls back unless committed; never throws
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace octopus::db
