#include "core/store/run_in_transaction.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include "core/db/wait_stats.h"

namespace octopus {
namespace {

bool Reruns(const db::Database& db) { return db.backend() == db::Backend::kPostgres; }

// The queue of RetryPolicy::queue_key on one connection: held from before
// BEGIN to after COMMIT or ROLLBACK. A lost connection drops it with the
// session.
class QueueLock {
 public:
  static Result<QueueLock> Take(db::Database& db, const std::optional<std::int64_t>& key) {
    if (!key || db.backend() != db::Backend::kPostgres) return QueueLock(nullptr, 0);
    RETURN_IF_ERROR(db.Exec(Sql("lock", *key)));
    return QueueLock(&db, *key);
  }
  QueueLock(QueueLock&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)), key_(other.key_) {}
  QueueLock& operator=(QueueLock&&) = delete;
  ~QueueLock() {
    if (db_ && db_->healthy()) (void)db_->Exec(Sql("unlock", key_));
  }

 private:
  QueueLock(db::Database* db, std::int64_t key) : db_(db), key_(key) {}
  // The two-int form: its first half keeps our keys apart from other
  // users of advisory locks on the database (the migration's included).
  static std::string Sql(const char* verb, std::int64_t key) {
    return std::string("SELECT pg_advisory_") + verb + "(" + std::to_string(kSpace) + ", " +
           std::to_string(static_cast<std::int32_t>(key)) + ")";
  }
  static constexpr std::int32_t kSpace = 0x6f637470;  // "octp"
  db::Database* db_;
  std::int64_t key_;
};

Status RunOnce(db::Database& db, const TransactionBody& body,
               const std::optional<std::int64_t>& queue_key) {
  ASSIGN_OR_RETURN(const QueueLock queued, QueueLock::Take(db, queue_key));
  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(db));
  RETURN_IF_ERROR(body(db));
  return tx.Commit();
}

// Before rerun `rerun` (1 for the first rerun).
void Backoff(int rerun, const RetryPolicy& policy) {
  thread_local std::minstd_rand random(std::random_device{}());
  const std::int64_t first = policy.first_backoff.count();
  const std::int64_t cap =
      std::min<std::int64_t>(policy.max_backoff.count(), first << std::min(rerun - 1, 16));
  std::uniform_int_distribution<std::int64_t> wait(0, std::max<std::int64_t>(cap, 0));
  const std::chrono::milliseconds backoff(wait(random));
  std::this_thread::sleep_for(backoff);
  db::NoteRerun(backoff);
}

}  // namespace

Status RunInTransaction(ConnectionPool& pool, const TransactionBody& body,
                        const RetryPolicy& policy) {
  std::optional<ConnectionPool::Lease> lease;
  Status last = Status::Busy("no attempt made");
  for (int attempt = 0; attempt < std::max(policy.attempts, 1); ++attempt) {
    if (attempt > 0) Backoff(attempt, policy);
    if (!lease) {
      auto fresh = pool.Acquire();
      // A first Acquire that fails is the caller's answer (a kBusy there is
      // a pool waited out already); after a lost connection, the server
      // may be coming back: keep trying.
      if (!fresh.ok()) {
        last = fresh.status();
        if (attempt == 0 || last.code() != Code::kBusy) return last;
        continue;
      }
      lease.emplace(std::move(fresh).value());
    }
    last = RunOnce(**lease, body, policy.queue_key);
    if (last.ok() || last.code() != Code::kBusy || !Reruns(**lease)) return last;
    // Returned to the pool, which closes it rather than keeping it.
    if (!(*lease)->healthy()) lease.reset();
  }
  return last;
}

Status RunInTransaction(db::Database& db, const TransactionBody& body, const RetryPolicy& policy) {
  Status last = Status::Busy("no attempt made");
  for (int attempt = 0; attempt < std::max(policy.attempts, 1); ++attempt) {
    if (attempt > 0) Backoff(attempt, policy);
    last = RunOnce(db, body, policy.queue_key);
    if (last.ok() || last.code() != Code::kBusy || !Reruns(db) || !db.healthy()) return last;
  }
  return last;
}

}  // namespace octopus
