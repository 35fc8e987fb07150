#include "core/store/database_copy.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/store/schema.h"

namespace octopus {
namespace {

using db::Database;
using db::Statement;

// SQLite's FTS5 text index and its vocabulary (schema migration 3), with
// FTS5's shadow tables: PostgreSQL indexes the photos table with pg_trgm.
bool IsSqliteOnly(std::string_view table) {
  return table == "photos_text" || table.starts_with("photos_text_");
}

std::string Quoted(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// How a column's values are read from SQLite and typed in PostgreSQL.
enum class Kind { kInt, kDouble, kText };

struct Column {
  std::string name;
  Kind kind = Kind::kText;
  std::string sql_type;  // the target's, for the array cast
  bool identity = false;
};

struct TablePlan {
  std::string name;
  std::vector<Column> columns;  // the source's, in its order
};

Result<std::vector<std::string>> SourceTables(Database& source) {
  ASSIGN_OR_RETURN(auto stmt, source.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                             "ORDER BY name"));
  std::vector<std::string> tables;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    std::string name = stmt.Text(0);
    if (!IsSqliteOnly(name)) tables.push_back(std::move(name));
  }
  // Every other table refers to users: they go first.
  std::stable_partition(tables.begin(), tables.end(),
                        [](const std::string& t) { return t == "users"; });
  return tables;
}

Result<Kind> KindOf(const std::string& table, const std::string& column,
                    const std::string& sql_type) {
  if (sql_type == "bigint" || sql_type == "integer" || sql_type == "smallint") return Kind::kInt;
  if (sql_type == "double precision" || sql_type == "real") return Kind::kDouble;
  if (sql_type == "text") return Kind::kText;
  return Status::Corrupt("cannot copy column " + table + "." + column + ": PostgreSQL type " +
                         sql_type + " is not one the copy knows");
}

// The source's columns of `table`, each matched by name to the target's.
Result<TablePlan> PlanTable(Database& source, Database& target, const std::string& table) {
  ASSIGN_OR_RETURN(auto target_cols,
                   target.Prepare("SELECT column_name, data_type, is_identity "
                                  "FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND table_name = :t"));
  target_cols.Bind(":t", table);
  std::vector<Column> known;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, target_cols.Step());
    if (!row) break;
    known.push_back({.name = target_cols.Text(0),
                     .sql_type = target_cols.Text(1),
                     .identity = target_cols.Text(2) == "YES"});
  }
  if (known.empty()) {
    return Status::Corrupt("the SQLite database has a table " + table +
                           " that PostgreSQL lacks: this build cannot copy it");
  }
  ASSIGN_OR_RETURN(auto source_cols,
                   source.Prepare("SELECT name FROM pragma_table_info(:t) ORDER BY cid"));
  source_cols.Bind(":t", table);
  TablePlan plan{.name = table, .columns = {}};
  while (true) {
    ASSIGN_OR_RETURN(const bool row, source_cols.Step());
    if (!row) break;
    const std::string name = source_cols.Text(0);
    auto match =
        std::find_if(known.begin(), known.end(), [&](const Column& c) { return c.name == name; });
    if (match == known.end()) {
      return Status::Corrupt("the SQLite column " + table + "." + name +
                             " has no column in PostgreSQL: this build cannot copy it");
    }
    ASSIGN_OR_RETURN(match->kind, KindOf(table, name, match->sql_type));
    plan.columns.push_back(*match);
  }
  return plan;
}

Result<std::int64_t> CountRows(Database& db, const std::string& table) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT count(*) FROM " + Quoted(table)));
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::Internal("count(*) of " + table + " returned no row");
  return stmt.Int(0);
}

// One column of a batch as a PostgreSQL array literal: {1,NULL,3},
// {"a","b\"c"}. A batch is then one parameter per column, unnested into
// rows by the server: PostgreSQL allows 65,535 parameters per statement,
// and a row per parameter set would cost a round trip per row.
class ArrayColumn {
 public:
  void Clear() { text_ = "{"; }
  void AppendNull() { Separate() += "NULL"; }
  void AppendInt(std::int64_t v) { Separate() += std::to_string(v); }
  void AppendDouble(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
    Separate().append(buf, end);
  }
  void AppendText(std::string_view v) {
    std::string& out = Separate();
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  std::string Finish() { return text_ + "}"; }

 private:
  std::string& Separate() {
    if (text_.size() > 1) text_ += ',';
    return text_;
  }
  std::string text_ = "{";
};

// Streams `plan`'s table from the source's snapshot into the target's
// transaction; returns the rows written.
Result<std::int64_t> CopyTable(Database& source, Database& target, const TablePlan& plan,
                               int batch_rows) {
  std::string names, params;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    const Column& c = plan.columns[i];
    if (i > 0) {
      names += ", ";
      params += ", ";
    }
    names += Quoted(c.name);
    params += "CAST(:c" + std::to_string(i) + " AS " + c.sql_type + "[])";
  }
  // Sessions: the target's `seq` (identity) stands for SQLite's rowid, the
  // order DeleteOldest breaks ties by: insert them in rowid order.
  const std::string order = plan.name == "sessions" ? " ORDER BY rowid" : "";
  ASSIGN_OR_RETURN(auto read,
                   source.Prepare("SELECT " + names + " FROM " + Quoted(plan.name) + order));
  const std::string insert_sql =
      "INSERT INTO " + Quoted(plan.name) + " (" + names + ") SELECT * FROM unnest(" + params + ")";
  std::vector<ArrayColumn> batch(plan.columns.size());
  int pending = 0;
  std::int64_t copied = 0;
  auto flush = [&]() -> Status {
    if (pending == 0) return Status::Ok();
    ASSIGN_OR_RETURN(auto insert, target.Prepare(insert_sql));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      insert.Bind(":c" + std::to_string(i), batch[i].Finish());
      batch[i].Clear();
    }
    RETURN_IF_ERROR(insert.Run());
    if (target.Changes() != pending) {
      return Status::Corrupt("copying " + plan.name + ": PostgreSQL took " +
                             std::to_string(target.Changes()) + " of " + std::to_string(pending) +
                             " rows");
    }
    copied += pending;
    pending = 0;
    return Status::Ok();
  };
  while (true) {
    ASSIGN_OR_RETURN(const bool row, read.Step());
    if (!row) break;
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      const int col = static_cast<int>(i);
      if (read.IsNull(col)) {
        batch[i].AppendNull();
        continue;
      }
      switch (plan.columns[i].kind) {
        case Kind::kInt:
          batch[i].AppendInt(read.Int(col));
          break;
        case Kind::kDouble:
          batch[i].AppendDouble(read.Double(col));
          break;
        case Kind::kText: {
          const std::string text = read.Text(col);
          // PostgreSQL text cannot hold a NUL (SQLite's can): name the row
          // rather than let the driver refuse a whole batch's array.
          if (text.find('\0') != std::string::npos) {
            return Status::InvalidArgument("cannot copy " + plan.name + "." + plan.columns[i].name +
                                           ": a value holds a NUL byte, which PostgreSQL "
                                           "text cannot");
          }
          batch[i].AppendText(text);
          break;
        }
      }
    }
    if (++pending == batch_rows) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  return copied;
}

// Copied ids (users.id) leave the identity sequence where it was: the next
// user made on PostgreSQL would take id 1 again. Move each sequence past
// the largest copied value.
Status AdvanceIdentities(Database& target, const TablePlan& plan) {
  for (const Column& c : plan.columns) {
    if (!c.identity) continue;
    ASSIGN_OR_RETURN(
        auto stmt,
        target.Prepare("SELECT setval(pg_get_serial_sequence(:table, :column), "
                       "COALESCE((SELECT max(" +
                       Quoted(c.name) + ") FROM " + Quoted(plan.name) + "), 0) + 1, false)"));
    stmt.Bind(":table", Quoted(plan.name)).Bind(":column", c.name);
    RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

// What a user's usage is made of, as recorded and as the photos add up.
struct UserUsage {
  std::int64_t id = 0, used_bytes = 0, photo_count = 0, change_seq = 0, change_horizon = 0;
  std::int64_t photo_bytes = 0, photos = 0;
  bool operator==(const UserUsage&) const = default;
};

Result<std::vector<UserUsage>> UsageOf(Database& db) {
  ASSIGN_OR_RETURN(auto stmt,
                   db.Prepare("SELECT u.id, u.used_bytes, u.photo_count, u.change_seq, "
                              "u.change_horizon, COALESCE(p.bytes, 0), COALESCE(p.n, 0) "
                              "FROM users u LEFT JOIN (SELECT owner, sum(size) AS bytes, "
                              "count(*) AS n FROM photos GROUP BY owner) p ON p.owner = u.id "
                              "ORDER BY u.id"));
  std::vector<UserUsage> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.Int(0), stmt.Int(1), stmt.Int(2), stmt.Int(3), stmt.Int(4), stmt.Int(5),
                   stmt.Int(6)});
  }
  return out;
}

Status VerifyUsage(Database& source, Database& target, DatabaseCopyReport& report) {
  ASSIGN_OR_RETURN(const auto want, UsageOf(source));
  ASSIGN_OR_RETURN(const auto got, UsageOf(target));
  if (want.size() != got.size()) {
    return Status::Corrupt("verification failed: " + std::to_string(want.size()) +
                           " users in SQLite, " + std::to_string(got.size()) + " in PostgreSQL");
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == got[i]) continue;
    const UserUsage& w = want[i];
    const UserUsage& g = got[i];
    return Status::Corrupt(
        "verification failed: usage of user id " + std::to_string(w.id) +
        " differs (SQLite: " + std::to_string(w.used_bytes) + " bytes, " +
        std::to_string(w.photo_count) + " photos recorded, photos adding up to " +
        std::to_string(w.photo_bytes) + " bytes in " + std::to_string(w.photos) + ", feed at " +
        std::to_string(w.change_seq) + "; PostgreSQL: user id " + std::to_string(g.id) + ", " +
        std::to_string(g.used_bytes) + " bytes, " + std::to_string(g.photo_count) +
        " photos recorded, photos adding up to " + std::to_string(g.photo_bytes) + " bytes in " +
        std::to_string(g.photos) + ", feed at " + std::to_string(g.change_seq) + ")");
  }
  report.users_checked = static_cast<std::int64_t>(want.size());
  return Status::Ok();
}

}  // namespace

Result<DatabaseCopyReport> CopyDatabase(Database& source, Database& target,
                                        const DatabaseCopyOptions& options) {
  if (source.backend() != db::Backend::kSqlite || target.backend() != db::Backend::kPostgres) {
    return Status::InvalidArgument("a database copy goes from SQLite to PostgreSQL");
  }
  const int batch_rows = std::max(1, options.batch_rows);
  // Committed on its own: a failed copy leaves an empty schema, and a
  // second run finds it migrated.
  RETURN_IF_ERROR(db::Migrate(target));

  ASSIGN_OR_RETURN(auto snapshot, db::ReadTransaction::Begin(source));
  ASSIGN_OR_RETURN(const int version, db::SchemaVersion(source));
  if (version != db::CurrentSchemaVersion(db::Backend::kSqlite)) {
    return Status::FailedPrecondition(
        "the SQLite database is at schema version " + std::to_string(version) +
        ", this build's is " + std::to_string(db::CurrentSchemaVersion(db::Backend::kSqlite)) +
        ": open the library once with this build (`octopus fsck`), then copy it");
  }
  ASSIGN_OR_RETURN(const auto tables, SourceTables(source));
  std::vector<TablePlan> plans;
  for (const std::string& table : tables) {
    ASSIGN_OR_RETURN(auto plan, PlanTable(source, target, table));
    plans.push_back(std::move(plan));
  }

  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(target));
  for (const TablePlan& plan : plans) {
    ASSIGN_OR_RETURN(const std::int64_t rows, CountRows(target, plan.name));
    if (rows > 0) {
      return Status::FailedPrecondition("the PostgreSQL database is not empty (" +
                                        std::to_string(rows) + " rows in " + plan.name +
                                        "): a library is copied into an empty database only");
    }
  }
  DatabaseCopyReport report;
  for (const TablePlan& plan : plans) {
    ASSIGN_OR_RETURN(const std::int64_t rows, CopyTable(source, target, plan, batch_rows));
    RETURN_IF_ERROR(AdvanceIdentities(target, plan));
    report.tables.push_back({plan.name, rows});
    if (options.on_table) options.on_table(report.tables.back());
  }
  for (const TableCopy& copied : report.tables) {
    ASSIGN_OR_RETURN(const std::int64_t want, CountRows(source, copied.table));
    ASSIGN_OR_RETURN(const std::int64_t got, CountRows(target, copied.table));
    if (want != got || got != copied.rows) {
      return Status::Corrupt("verification failed: table " + copied.table + " has " +
                             std::to_string(want) + " rows in SQLite and " + std::to_string(got) +
                             " in PostgreSQL");
    }
  }
  RETURN_IF_ERROR(VerifyUsage(source, target, report));
  RETURN_IF_ERROR(tx.Commit());
  return report;
}

Result<DatabaseCopyReport> CopySqliteToPostgres(const std::filesystem::path& sqlite_file,
                                                std::string_view conninfo,
                                                const DatabaseCopyOptions& options) {
  ASSIGN_OR_RETURN(auto source, Database::OpenReadOnly(sqlite_file));
  ASSIGN_OR_RETURN(auto target, Database::OpenPostgres(conninfo));
  return CopyDatabase(*source, *target, options);
}

}  // namespace octopus
