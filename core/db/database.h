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
      : owner_(other.owner_), db_(other.db_), stmt_(other.stmt_), sql_(std::move(other.sql_)) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, like SQLite's.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Step: true when a row is available, false when done; errors as Status.
  Result<bool> Step();
  Status Run();  // Step until done, for statements without rows.
  void Reset();  // ready to bind and run again

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
  Database* owner_;  // takes the statement back into its cache
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;  // the cache key
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
