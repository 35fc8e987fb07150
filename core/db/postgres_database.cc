// The PostgreSQL backend of core/db/database.h, over libpq.
//
// Statements are server-side prepared statements, one per SQL text per
// connection (named "octopus_N"), prepared with the parameter types left to
// the server to infer from the SQL: where it cannot (`SELECT :x`, `:x IS
// NULL`), write the cast (`:x::bigint`). Values go and come back in text
// format; a result is fetched whole by the first Step, so a query's rows
// must fit in memory (every query of the stores is paged or bounded).
#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <vector>

#include "core/db/database.h"
#include "core/db/named_parameters.h"
#include "core/db/wait_stats.h"

namespace octopus::db {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// Who we are connected to, for messages: never the password, and never the
// connection string, which may hold one.
std::string Describe(PGconn* conn) {
  auto field = [](const char* v) { return std::string(v && *v ? v : "?"); };
  return "user=" + field(PQuser(conn)) + " host=" + field(PQhost(conn)) +
         " port=" + field(PQport(conn)) + " dbname=" + field(PQdb(conn));
}

// The one mapping of PostgreSQL errors to Status. `result` may be null
// (libpq could not even send the query).
Status ErrorOf(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string detail = result ? PQresultErrorMessage(result) : "";
  if (detail.empty()) detail = PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string msg = std::string(what) + ": " + detail;
  if (!sqlstate.empty()) msg += " [" + sqlstate + "]";
  // Lost connection first: whatever the statement was, it did not commit,
  // and the connection is useless (the pool drops it; a new one may work).
  // kBusy, as a serialization failure: both mean "nothing happened, try
  // again" and both are a 503 at the API; a caller that must tell them
  // apart asks Database::healthy(). (A code of its own, kUnavailable, is
  // an open decision: adding one touches every front end's error map.)
  if (PQstatus(conn) == CONNECTION_BAD || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return Status::Busy(msg);
  }
  // Integrity violations, unique (23505) above all: kAlreadyExists, as
  // SQLite's SQLITE_CONSTRAINT maps, so the stores see one answer.
  if (sqlstate.rfind("23", 0) == 0) return Status::AlreadyExists(msg);
  // Serialization failure, deadlock, lock or statement timeout: run the
  // whole transaction again (kBusy, as SQLITE_BUSY).
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
    return Status::Busy(msg);
  }
  if (sqlstate == "53100") return Status(Code::kIoError, msg, ENOSPC);  // disk full
  if (sqlstate == "XX001" || sqlstate == "XX002") return Status::Corrupt(msg);
  // Data exceptions (bad UTF-8, out of range): the value, not the server.
  if (sqlstate.rfind("22", 0) == 0) return Status::InvalidArgument(msg);
  // Syntax, undefined column or table: a bug in our SQL.
  if (sqlstate.rfind("42", 0) == 0) return Status::Internal(msg);
  return Status(Code::kIoError, msg, EIO);
}

bool Succeeded(const PGresult* r) {
  const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

class PostgresDatabase;

class PostgresStatement final : public StatementImpl {
 public:
  PostgresStatement(PostgresDatabase* db, std::string name, std::vector<std::string> names,
                    std::string_view sql)
      : db_(db),
        name_(std::move(name)),
        names_(std::move(names)),
        values_(names_.size()),
        sql_(sql) {}

  Status BindInt(std::string_view name, std::int64_t value) override {
    return Set(name, std::to_string(value));
  }
  Status BindDouble(std::string_view name, double value) override {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round trip
    if (ec != std::errc()) return Status::Internal("sql: cannot format " + std::string(name));
    return Set(name, std::string(buf, end));
  }
  Status BindText(std::string_view name, std::string_view text) override {
    // Text-format parameters are NUL-terminated on the wire: a NUL inside
    // would cut the value short without a word. PostgreSQL text cannot hold
    // one anyway.
    if (text.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("sql: NUL byte in the text bound to " + std::string(name));
    }
    return Set(name, std::string(text));
  }
  Status BindNull(std::string_view name) override { return Set(name, std::nullopt); }

  Result<bool> Step() override;
  void Reset() override {
    result_.reset();
    row_ = -1;
    for (auto& v : values_) v.reset();
  }

  bool IsNull(int col) const override { return PQgetisnull(result_.get(), row_, col) != 0; }
  std::int64_t Int(int col) const override {
    const char* v = PQgetvalue(result_.get(), row_, col);
    if (v[0] == 't' && v[1] == '\0') return 1;  // boolean columns, as SQLite's 0/1
    std::int64_t n = 0;
    std::from_chars(v, v + std::strlen(v), n);
    return n;
  }
  double Double(int col) const override {
    const char* v = PQgetvalue(result_.get(), row_, col);
    double d = 0;
    std::from_chars(v, v + std::strlen(v), d);
    return d;
  }
  std::string Text(int col) const override {
    return std::string(PQgetvalue(result_.get(), row_, col),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row_, col)));
  }

 private:
  Status Set(std::string_view name, std::optional<std::string> value) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) {
        values_[i] = std::move(value);
        return Status::Ok();
      }
    }
    return Status::Internal("sql: no parameter " + std::string(name) + " in: " + sql_);
  }

  PostgresDatabase* db_;
  std::string name_;                                // the server-side statement
  std::vector<std::string> names_;                  // ":name" of $1, $2, ...
  std::vector<std::optional<std::string>> values_;  // unbound is NULL, as in SQLite
  std::string sql_;                                 // for messages
  ResultPtr result_;                                // null until run
  int row_ = -1;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(ConnPtr conn) : conn_(std::move(conn)) {}
  ~PostgresDatabase() override { ClearCache(); }

  Backend backend() const override { return Backend::kPostgres; }

  Status Exec(std::string_view sql) override {
    // The simple-query protocol: several statements in one string run, the
    // first failure stops them and is the result.
    const std::string text(sql);
    ResultPtr r;
    {
      RoundTripTimer timed;
      r.reset(PQexec(conn_.get(), text.c_str()));
    }
    if (!Succeeded(r.get())) return ErrorOf(conn_.get(), r.get(), "sql");
    NoteChanges(r.get());
    return Status::Ok();
  }

  int Changes() const override { return changes_; }
  bool healthy() const override { return PQstatus(conn_.get()) == CONNECTION_OK; }

  std::string_view BeginReadSql() const override {
    return "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ";
  }
  // Why SERIALIZABLE: see Transaction in database.h.
  std::string_view BeginWriteSql() const override { return "BEGIN ISOLATION LEVEL SERIALIZABLE"; }

  // Runs a prepared statement; the result, or the error as a Status.
  Result<ResultPtr> Run(const std::string& name,
                        const std::vector<std::optional<std::string>>& values) {
    std::vector<const char*> params(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      params[i] = values[i] ? values[i]->c_str() : nullptr;
    }
    ResultPtr r;
    {
      RoundTripTimer timed;
      r.reset(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()),
                             params.data(), nullptr, nullptr, /*resultFormat=*/0));
    }
    if (!Succeeded(r.get())) return ErrorOf(conn_.get(), r.get(), "sql");
    NoteChanges(r.get());
    return r;
  }

 protected:
  Result<std::unique_ptr<StatementImpl>> Compile(std::string_view sql) override {
    // The server keeps a prepared statement for the connection's life, so
    // a statement evicted from (or nested beside) the Statement cache is
    // not prepared twice: by SQL text, as the cache.
    auto it = prepared_.find(std::string(sql));
    if (it == prepared_.end()) {
      PositionalSql positional = ToPositionalParameters(sql);
      std::string name = "octopus_" + std::to_string(prepared_.size() + 1);
      ResultPtr r;
      {
        RoundTripTimer timed;
        r.reset(PQprepare(conn_.get(), name.c_str(), positional.sql.c_str(),
                          static_cast<int>(positional.names.size()), nullptr));
      }
      if (!Succeeded(r.get())) return ErrorOf(conn_.get(), r.get(), "prepare");
      it = prepared_
               .emplace(std::string(sql), Prepared{std::move(name), std::move(positional.names)})
               .first;
    }
    return std::unique_ptr<StatementImpl>(
        new PostgresStatement(this, it->second.name, it->second.names, sql));
  }

 private:
  // As sqlite3_changes: only INSERT, UPDATE, DELETE (and MERGE) count.
  void NoteChanges(const PGresult* r) {
    const std::string_view status = PQcmdStatus(const_cast<PGresult*>(r));
    for (std::string_view verb : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
      if (status.rfind(verb, 0) == 0) {
        changes_ = std::atoi(PQcmdTuples(const_cast<PGresult*>(r)));
        return;
      }
    }
  }

  struct Prepared {
    std::string name;
    std::vector<std::string> names;
  };
  ConnPtr conn_;
  // Unbounded, like the server's side of it: the stores' SQL has a few
  // dozen shapes. A store that built SQL from values would fill it.
  std::unordered_map<std::string, Prepared> prepared_;
  int changes_ = 0;
};

Result<bool> PostgresStatement::Step() {
  if (!result_) {
    ASSIGN_OR_RETURN(result_, db_->Run(name_, values_));
    row_ = -1;
  }
  if (row_ + 1 < PQntuples(result_.get())) {
    ++row_;
    return true;
  }
  // Done. As sqlite3_step after SQLITE_DONE, the next Step runs it again.
  result_.reset();
  row_ = -1;
  return false;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::OpenPostgres(std::string_view conninfo,
                                                         const PostgresSettings& settings) {
  // Our defaults first: with expand_dbname, the caller's string is expanded
  // in place of "dbname" and what it says wins over them.
  const std::string info(conninfo);
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                        nullptr};
  const char* values[] = {"10", "octopus", "UTF8", info.c_str(), nullptr};
  ConnPtr conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!conn) return Status::Busy("postgresql: out of memory connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string detail = PQerrorMessage(conn.get());
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    return Status::Busy("cannot connect to PostgreSQL (" + Describe(conn.get()) + "): " + detail);
  }
  // Notices ("there is no transaction in progress" after a failed COMMIT)
  // would go to stderr; nothing in them needs a reader.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<Database> db(new PostgresDatabase(std::move(conn)));
  // SET, not the `options` keyword: a caller's string that has its own
  // options would silently drop ours.
  // plan_cache_mode: every statement is prepared once per connection, and
  // after five runs the server may switch to a generic plan, made without
  // the parameters' values (`LIMIT :limit` unknown: a tenth of the rows
  // assumed, which can favour a sort of all the owner's photos over the
  // time index). GET /photos?limit=100, first page, 2,000 photos
  // (tests/bench/postgres_bench.sh): 10.9 ms median before, against
  // SQLite's 2.3 ms; see the README's Benchmarks for after. Planning each
  // run costs tens of microseconds.
  RETURN_IF_ERROR(
      db->Exec("SET statement_timeout = " + std::to_string(settings.statement_timeout_ms) +
               "; SET idle_in_transaction_session_timeout = " +
               std::to_string(settings.idle_in_transaction_timeout_ms) +
               "; SET plan_cache_mode = force_custom_plan"));
  return db;
}

}  // namespace octopus::db
