// The SQL layer the stores write against, private to core/: a connection
// that closes itself, statements that return themselves to a per-connection
// cache, transactions that roll back unless committed. Two backends sit
// behind it: SQLite (the embedded default, core/db/sqlite_database.cc) and
// PostgreSQL over libpq (core/db/postgres_database.cc).
//
// Shape, and why: `Database` is an abstract connection and `StatementImpl`
// an abstract compiled statement; `Statement`, `Transaction` and
// `ReadTransaction` stay concrete, movable value types. So the stores keep
// their code exactly as it is (`Result<Statement> s = db.Prepare(...)`, a
// Statement on the stack), the statement cache, the sticky bind error and
// the transaction RAII are written once for both backends, and the backend
// only answers small questions (compile this, bind that, step, read a
// column). The alternative, templates over a backend type, would compile
// every store twice and leak the choice into every signature above core/;
// one virtual call per bind or column is nothing next to a round trip (or a
// SQLite step), and the cache keeps StatementImpl objects, so a cache hit
// allocates nothing, as before.
//
// Dialect is NOT hidden: the SQL text goes to the backend as written
// (PostgreSQL only has `:name` rewritten to `$n`). Stores that must differ
// ask `backend()`; docs/postgresql-design.md lists where they will.
//
// Not thread-safe: one Database per thread (a pool hands them out).
#pragma once

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

enum class Backend { kSqlite, kPostgres };

// One backend's compiled statement with its bindings and current row.
// Columns are 0-based. Errors are returned, never thrown.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  // A missing name is an error naming it (Statement keeps the first).
  virtual Status BindInt(std::string_view name, std::int64_t value) = 0;
  virtual Status BindDouble(std::string_view name, double value) = 0;
  virtual Status BindText(std::string_view name, std::string_view text) = 0;
  virtual Status BindNull(std::string_view name) = 0;
  virtual Result<bool> Step() = 0;
  // Ready to bind and run again: bindings cleared, rows and locks released.
  virtual void Reset() = 0;
  virtual bool IsNull(int col) const = 0;
  virtual std::int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual std::string Text(int col) const = 0;
};

// Per-connection limits of a PostgreSQL session, set at connect.
struct PostgresSettings {
  // A statement running longer is cancelled (SQLSTATE 57014: kBusy): a
  // request never waits on the database for ever.
  int statement_timeout_ms = 30'000;
  // A session idle inside a transaction for longer is ended by the server,
  // so a stuck client cannot hold locks (and SERIALIZABLE's predicate
  // locks) against every other server. The connection is then lost
  // (kBusy, healthy() false) and the pool replaces it.
  int idle_in_transaction_timeout_ms = 60'000;
};

class Database {
 public:
  // SQLite: opens (creating) the file with WAL, foreign keys, a busy timeout.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& file);
  // SQLite, read only: an existing file (kNotFound otherwise), no pragma
  // written, every write refused. For copying a library out of a file that a
  // running service may still be writing (a read transaction is a snapshot).
  static Result<std::unique_ptr<Database>> OpenReadOnly(const std::filesystem::path& file);
  // PostgreSQL 15+: a libpq connection string, keyword ("host=/run/pg
  // dbname=octopus") or URI ("postgresql://octopus@db/octopus"). The
  // password comes from the string, PGPASSWORD or ~/.pgpass and never
  // appears in a message: errors name only user, host, port and database.
  static Result<std::unique_ptr<Database>> OpenPostgres(std::string_view conninfo,
                                                        const PostgresSettings& settings = {});

  virtual ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const = 0;
  // Runs one or more statements without parameters or rows (pragmas,
  // migrations, BEGIN/COMMIT).
  virtual Status Exec(std::string_view sql) = 0;
  // Statements are cached per connection, keyed by their SQL text: a
  // Statement takes its compiled program out of the cache and puts it back,
  // reset, when it is destroyed. Parsing costs far more than running the
  // short queries of a request (a third of an API request's CPU before).
  Result<Statement> Prepare(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE run on this connection.
  virtual int Changes() const = 0;
  // False once the connection is known to be lost (the server went away;
  // its errors are kBusy): a pool drops it instead of handing it out again.
  // The connection does not reconnect itself: a statement in flight has
  // failed, its transaction is gone, and a fresh connection (with an empty
  // statement cache) is the honest way on.
  virtual bool healthy() const { return true; }
  // How many statements this connection compiled (cache misses): for tests
  // of the cache and for profiling.
  std::int64_t compiled_count() const { return compiled_count_; }

  // SQL that begins a snapshot read and a serialisable write transaction.
  virtual std::string_view BeginReadSql() const = 0;
  virtual std::string_view BeginWriteSql() const = 0;

 protected:
  Database() = default;
  virtual Result<std::unique_ptr<StatementImpl>> Compile(std::string_view sql) = 0;
  // Drops every cached statement; for a backend whose compiled statements
  // die with the server session, and for destructors (cached statements
  // must go before the handle they were compiled on).
  void ClearCache() { cache_.clear(); }

 private:
  friend class Statement;
  void Return(std::string sql, std::unique_ptr<StatementImpl> stmt);

  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Bounded: SQL built from a query's filters has a few shapes, not many.
  static constexpr std::size_t kMaxCached = 64;

  std::unordered_map<std::string, std::unique_ptr<StatementImpl>, SqlHash, std::equal_to<>> cache_;
  std::int64_t compiled_count_ = 0;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept = default;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds by name (":owner"): the SQL says what each value is, and the
  // same name may appear several times. An unknown name or a failed bind
  // is kept and returned by the next Step or Run, so a typo in a name is an
  // error, never a silently NULL parameter.
  Statement& Bind(std::string_view name, std::int64_t value) {
    return Keep(impl_->BindInt(name, value));
  }
  Statement& Bind(std::string_view name, int value) {
    return Bind(name, static_cast<std::int64_t>(value));
  }
  Statement& Bind(std::string_view name, bool value) = delete;  // say 0 or 1
  Statement& Bind(std::string_view name, double value) {
    return Keep(impl_->BindDouble(name, value));
  }
  Statement& Bind(std::string_view name, std::string_view text) {
    return Keep(impl_->BindText(name, text));
  }
  Statement& Bind(std::string_view name, const char* text) {
    return Bind(name, std::string_view(text));
  }
  Statement& Bind(std::string_view name, const std::string& text) {
    return Bind(name, std::string_view(text));
  }
  Statement& BindNull(std::string_view name) { return Keep(impl_->BindNull(name)); }
  template <typename T>
  Statement& Bind(std::string_view name, const std::optional<T>& value) {
    return value ? Bind(name, *value) : BindNull(name);
  }

  // Step: true when a row is available, false when done; errors as Status.
  Result<bool> Step();
  Status Run();  // Step until done, for statements without rows.
  void Reset();  // ready to bind and run again; forgets a bind error

  bool IsNull(int col) const { return impl_->IsNull(col); }
  std::int64_t Int(int col) const { return impl_->Int(col); }
  double Double(int col) const { return impl_->Double(col); }
  std::string Text(int col) const { return impl_->Text(col); }
  std::optional<std::int64_t> OptInt(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  friend class Database;
  Statement(Database* owner, std::unique_ptr<StatementImpl> impl, std::string sql)
      : owner_(owner), impl_(std::move(impl)), sql_(std::move(sql)) {}
  Statement& Keep(Status s) {
    if (!s.ok() && bind_error_.ok()) bind_error_ = std::move(s);
    return *this;
  }
  Database* owner_;  // takes the statement back into its cache
  std::unique_ptr<StatementImpl> impl_;
  std::string sql_;  // the cache key
  Status bind_error_;
};

// A read snapshot: every query inside sees one state of the database, so a
// feed position and the rows read with it agree. SQLite: BEGIN (deferred);
// PostgreSQL: BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ. Ends (and
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

// A write transaction in which a check-then-write (the quota) cannot
// interleave with another writer's.
//
// SQLite: BEGIN IMMEDIATE takes the one write lock at once, so writers
// queue (the busy timeout) and never conflict.
//
// PostgreSQL: BEGIN ISOLATION LEVEL SERIALIZABLE. Chosen over READ
// COMMITTED + SELECT ... FOR UPDATE because the stores were written for
// SQLite's single writer: every check-then-write in them (quota, dedup per
// owner, the feed's next sequence number, a user name free) is correct only
// if transactions behave as if run one at a time, and SERIALIZABLE gives
// exactly that guarantee without auditing each query for the row lock it
// would need; a missed FOR UPDATE under READ COMMITTED is a silent
// over-quota, whereas under SERIALIZABLE the loser of a conflict fails.
// The price: two servers charging one user at once, one of them gets
// kBusy (SQLSTATE 40001, or 40P01 for a deadlock) from a statement or from
// Commit, and must run the whole transaction again:
// RunInTransaction (core/store/run_in_transaction.h) does.
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
