#include "core/library.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "core/accounts.h"
#include "core/blob_store.h"
#include "core/database_revocation_epoch.h"
#include "core/file_revocation_epoch.h"
#include "core/file_util.h"
#include "core/photos.h"
#include "core/quota.h"
#include "core/sessions.h"
#include "core/store/connection_pool.h"
#include "core/store/schema.h"
#include "core/thumbnail_reader.h"

namespace octopus {
namespace {

// PostgreSQL's max_connections is 100 by default, shared by every process
// of every server on the database (minus superuser_reserved_connections).
// 16 per process lets five `serve`/`mount` processes share a default server
// with room left for psql, backups and a migration. It is far fewer than
// the API's threads (http/api_server.cc: at least 128) on purpose: a
// request holds a connection only for its queries, not while it reads a
// body or makes thumbnails, and past 16 at once the database, not the pool,
// is the bottleneck on a small server. A request that finds all 16 leased
// waits for one (ConnectionPool's `wait`, 30 s), then gets kBusy: a 503.
constexpr std::size_t kMaxPostgresConnectionsPerProcess = 16;

// The pool of the configured backend. Nothing above core/store/ learns
// which it is.
std::unique_ptr<ConnectionPool> MakePool(const Config& config) {
  if (config.database_is_sqlite()) return std::make_unique<ConnectionPool>(config.database_path());
  return std::make_unique<ConnectionPool>(
      [url = config.database_url] { return db::Database::OpenPostgres(url); },
      kMaxPostgresConnectionsPerProcess);
}

// SQLite: the processes of this machine, through instance/revocations.
// PostgreSQL: every server on the database, through its revocation_epoch row
// (the file is per machine, and servers may be on several).
Result<std::unique_ptr<RevocationEpoch>> MakeEpoch(const Config& config, ConnectionPool& pool) {
  if (!config.database_is_sqlite()) {
    return std::unique_ptr<RevocationEpoch>(std::make_unique<DatabaseRevocationEpoch>(pool));
  }
  ASSIGN_OR_RETURN(auto epoch, FileRevocationEpoch::Open(config.instance_dir() / "revocations"));
  (void)epoch->TryRepair();  // after a writer's crash, see file_revocation_epoch.h
  return std::unique_ptr<RevocationEpoch>(std::move(epoch));
}

}  // namespace

// What one open home is made of. Members are declared in dependency order:
// each service refers to those above it.
class Library::Impl {
 public:
  Impl(Config c, std::unique_ptr<ConnectionPool> p, std::unique_ptr<RevocationEpoch> e)
      : config(std::move(c)),
        pool_owner(std::move(p)),
        pool(*pool_owner),
        blobs(config.storage_dir()),
        epoch(std::move(e)),
        accounts(pool, *epoch, blobs, config.default_quota_bytes),
        sessions(pool, *epoch),
        quota(pool),
        ingestor(config, pool, blobs, places),
        photos(pool, blobs, *epoch, places),
        thumbnails(pool, blobs, *epoch),
        fsck(config, pool, blobs, *epoch),
        import_records(pool) {}

  const Config config;
  const std::unique_ptr<ConnectionPool> pool_owner;
  ConnectionPool& pool;
  const BlobStore blobs;
  std::atomic<const places::PlaceIndex*> places{nullptr};
  const std::unique_ptr<RevocationEpoch> epoch;
  Accounts accounts;
  Sessions sessions;
  QuotaEngine quota;
  Ingestor ingestor;
  Photos photos;
  ThumbnailReader thumbnails;
  octopus::Fsck fsck;
  ImportRecords import_records;
};

ImportRecords& Library::import_records() { return impl_->import_records; }

Library::Library(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Library::~Library() = default;

Result<std::unique_ptr<Library>> Library::Open(const Config& config) {
  // spdlog creates its default logger lazily, inside the library, on first
  // use. Doing it here, before the library's users start threads, keeps that
  // one-time initialisation out of any race (ThreadSanitizer reports it).
  (void)spdlog::default_logger_raw();
  RETURN_IF_ERROR(BlobStore(config.storage_dir()).Init());
  auto pool = MakePool(config);
  {
    // A connection that fails here is the caller's answer: a wrong URL or a
    // server that is down refuses to open, with libpq's reason (which names
    // user, host, port and database, never the password).
    ASSIGN_OR_RETURN(auto db, pool->Acquire());
    RETURN_IF_ERROR(db::Migrate(*db));
  }
  ASSIGN_OR_RETURN(auto epoch, MakeEpoch(config, *pool));
  return std::unique_ptr<Library>(
      new Library(std::make_unique<Impl>(config, std::move(pool), std::move(epoch))));
}

const Config& Library::config() const { return impl_->config; }
void Library::SetPlaceIndex(const places::PlaceIndex* index) { impl_->places = index; }
const places::PlaceIndex* Library::place_index() const { return impl_->places; }
std::filesystem::path Library::StagingDir() const { return impl_->blobs.StagingDir(); }

// --- users ---
Result<User> Library::CreateUser(const std::string& name, const std::string& password,
                                 std::int64_t quota_bytes, bool is_admin) {
  return impl_->accounts.Create(name, password, quota_bytes, is_admin);
}
Result<User> Library::FindUser(const std::string& name) { return impl_->accounts.Find(name); }
Result<User> Library::GetUser(UserId id) { return impl_->accounts.Get(id); }
Result<std::vector<User>> Library::ListUsers() { return impl_->accounts.List(); }
Status Library::SetQuota(const std::string& name, std::int64_t quota_bytes) {
  return impl_->accounts.SetQuota(name, quota_bytes);
}
Status Library::SetPassword(const std::string& name, const std::string& password) {
  return impl_->accounts.SetPassword(name, password);
}
Status Library::SetAdmin(const std::string& name, bool is_admin) {
  return impl_->accounts.SetAdmin(name, is_admin);
}
Result<User> Library::ChangeUser(const std::string& name, const UserChange& change) {
  return impl_->accounts.Change(name, change);
}
Status Library::RemoveUser(const std::string& name) { return impl_->accounts.Remove(name); }
Result<User> Library::Authenticate(const std::string& name, const std::string& password) {
  return impl_->accounts.Authenticate(name, password);
}

// --- sessions ---
Status Library::AddSession(UserId user, const std::string& jti, std::int64_t expires_at) {
  return impl_->sessions.Add(user, jti, expires_at);
}
Result<SessionIdentity> Library::SessionUser(UserId user, const std::string& jti) {
  return impl_->sessions.UserOf(user, jti);
}
Status Library::RevokeSession(const std::string& jti) { return impl_->sessions.Revoke(jti); }
Status Library::RevokeOtherSessions(UserId user, const std::string& keep_jti) {
  return impl_->sessions.RevokeAllBut(user, keep_jti);
}

// --- photos ---
Result<IngestResult> Library::Ingest(UserId owner, const IngestRequest& request) {
  return impl_->ingestor.Ingest(owner, request);
}
Status Library::CheckQuota(UserId owner, std::int64_t additional_bytes) {
  return impl_->quota.Check(owner, additional_bytes);
}
Result<std::int64_t> Library::FreeQuota(UserId owner) { return impl_->quota.Free(owner); }
Result<PhotoPage> Library::ListPhotos(UserId owner, const PhotoQuery& query) {
  return impl_->photos.List(owner, query);
}
Result<std::vector<Photo>> Library::AllPhotos(UserId owner) { return impl_->photos.All(owner); }
Result<Photo> Library::GetPhoto(UserId owner, const std::string& id) {
  return impl_->photos.Get(owner, id);
}
Result<std::shared_ptr<const ThumbnailBytes>> Library::ReadThumbnail(UserId owner,
                                                                     const std::string& id,
                                                                     ThumbnailSize size) {
  return impl_->thumbnails.Read(owner, id, size);
}
Status Library::DeletePhoto(UserId owner, const std::string& id) {
  return impl_->photos.Trash(owner, id).status();
}
Result<Photo> Library::RestorePhoto(UserId owner, const std::string& id) {
  return impl_->photos.Restore(owner, id);
}
Status Library::PurgePhoto(UserId owner, const std::string& id) {
  return impl_->photos.Purge(owner, id);
}
Result<PhotoPage> Library::ListTrash(UserId owner, int limit, const std::string& cursor) {
  return impl_->photos.ListTrash(owner, limit, cursor);
}
Result<int> Library::EmptyTrash(UserId owner) { return impl_->photos.EmptyTrash(owner); }
Result<int> Library::PurgeExpiredTrash(std::chrono::system_clock::time_point now) {
  const auto before = static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(now)) -
                      impl_->config.trash_days * 86400LL;
  return impl_->photos.PurgeTrashedBefore(UtcIso8601(before));
}
Result<Photo> Library::RenamePhoto(UserId owner, const std::string& id,
                                   const std::string& filename) {
  return impl_->photos.Rename(owner, id, filename);
}
Result<Photo> Library::CorrectPhoto(UserId owner, const std::string& id, const PhotoEdit& edit) {
  return impl_->photos.Correct(owner, id, edit);
}
Result<int> Library::ReindexPlaces(std::optional<UserId> owner) {
  return impl_->photos.ReindexPlaces(owner);
}
std::filesystem::path Library::OriginalPath(const Photo& photo) const {
  return impl_->blobs.PathOf(photo.owner, photo.sha256, BlobKind::kOriginal);
}
std::filesystem::path Library::ThumbnailPath(const Photo& photo, ThumbnailSize size) const {
  return impl_->blobs.PathOf(photo.owner, photo.sha256, BlobKindOf(size));
}
Result<FeedPosition> Library::ForEachPhoto(UserId owner,
                                           const std::function<void(const Photo&)>& visit) {
  return impl_->photos.Snapshot(owner, visit);
}
Result<FeedPosition> Library::ChangeFeedPosition(UserId owner) {
  return impl_->photos.Position(owner);
}
Result<ChangeBatch> Library::ChangesSince(UserId owner, std::int64_t since, int limit) {
  return impl_->photos.ChangesSince(owner, since, limit);
}
Result<std::vector<Photo>> Library::GetPhotos(UserId owner, const std::vector<std::string>& ids) {
  return impl_->photos.GetMany(owner, ids);
}
Result<FolderNode> Library::Folders(UserId owner, View view) {
  return impl_->photos.Folders(owner, view);
}

Result<FsckReport> Library::Fsck(bool repair) { return impl_->fsck.Run(repair); }

}  // namespace octopus
