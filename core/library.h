// The library: one home's database, blob store and settings, and the
// services over them, behind one facade shared unchanged by the CLI, the
// FUSE mount and the HTTP API. Each job has its own class; this one opens
// the home, owns them and forwards:
//   Accounts (core/accounts.h)           users, passwords, quotas, flags
//   Sessions (core/sessions.h)           API sessions and their revocation
//   Ingestor (core/ingest.h)             the one ingest path
//   QuotaEngine (core/quota.h)           what a user may store
//   Photos (core/photos.h)               owner-scoped reads and changes
//   ThumbnailReader (core/thumbnail_reader.h)
//   Fsck (core/fsck.h)
// and below them the SQL of each table in core/store/.
//
// Thread-safe: every method may be called from any thread; each call takes
// a connection from a pool. Several processes may open the same home at
// once (SQLite WAL, busy timeout; quota checks inside IMMEDIATE
// transactions), or the same PostgreSQL database (config.database_url;
// SERIALIZABLE transactions, rerun on conflict: core/store/run_in_transaction.h).
// On PostgreSQL a lost server is kBusy ("try again") until it is back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/fsck.h"
#include "core/grouping.h"
#include "core/import_records.h"
#include "core/ingest.h"
#include "core/photo.h"
#include "core/photo_edit.h"
#include "core/photo_query.h"
#include "core/status.h"
#include "core/store/change_feed.h"
#include "core/thumbnail.h"
#include "core/user.h"

namespace octopus {

namespace places {
class PlaceIndex;
}

class Library {
 public:
  // Opens (creating or migrating) the database: SQLite under config.home,
  // or PostgreSQL at config.database_url. A database written by a newer
  // version is refused with a clear message.
  static Result<std::unique_ptr<Library>> Open(const Config& config);
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  const Config& config() const;

  // Places: when set, photos with GPS get a place on ingest. Not owned.
  void SetPlaceIndex(const places::PlaceIndex* index);
  const places::PlaceIndex* place_index() const;

  // --- users ---
  // Name: 1-64 chars of [A-Za-z0-9._-], not starting with '.'. Password: at
  // least 8 characters. quota < 0: the configured default.
  Result<User> CreateUser(const std::string& name, const std::string& password,
                          std::int64_t quota_bytes = -1, bool is_admin = false);
  Result<User> FindUser(const std::string& name);
  Result<User> GetUser(UserId id);
  Result<std::vector<User>> ListUsers();
  // SetQuota and SetAdmin are the CLI's one-member changes, by way of
  // ChangeUser; SetAdmin may take administration from the last enabled
  // administrator (the CLI warns), ChangeUser never does.
  Status SetQuota(const std::string& name, std::int64_t quota_bytes);
  Status SetPassword(const std::string& name, const std::string& password);
  Status SetAdmin(const std::string& name, bool is_admin);
  // An account's quota, disabled and admin flags, all or nothing
  // (Accounts::Change): disabling revokes every session of the user, for
  // good; disabling and admin changes reach cached sessions at once.
  Result<User> ChangeUser(const std::string& name, const UserChange& change);
  // Removes the user, their photos, blobs and thumbnails.
  Status RemoveUser(const std::string& name);
  // kUnauthenticated for an unknown user, a wrong password or a disabled
  // user, with the same message for each. Constant-time hash comparison.
  Result<User> Authenticate(const std::string& name, const std::string& password);

  // --- sessions (API tokens, by their JWT id) ---
  // SetPassword, SetAdmin, ChangeUser (but for a quota alone), RemoveUser
  // and the Revoke calls below move the home's revocation epoch
  // (core/revocation_epoch.h), which every process checks before trusting
  // a session it cached.
  Status AddSession(UserId user, const std::string& jti, std::int64_t expires_at);
  // The user of session `jti` when the session exists, belongs to `user`,
  // is not revoked nor expired, and the user is not disabled; kNotFound
  // otherwise. The API runs it on every request: answered from this
  // process's cache while no revoking write happened anywhere since the
  // session was queried, else by one query.
  Result<SessionIdentity> SessionUser(UserId user, const std::string& jti);
  Status RevokeSession(const std::string& jti);
  // Revokes every session of `user` except `keep_jti`.
  Status RevokeOtherSessions(UserId user, const std::string& keep_jti);

  // --- photos: every call is scoped to its owner ---
  // The one ingest path: sniff, hash, dedupe, EXIF, thumbnails, blob commit,
  // quota charge. kUnsupportedMedia, kTooLarge, kQuotaExceeded leave nothing.
  Result<IngestResult> Ingest(UserId owner, const IngestRequest& request);
  // A directory on the store's filesystem where front ends stage uploads
  // (then Ingest with consume_source = true, which renames, not copies).
  std::filesystem::path StagingDir() const;
  // Fails early, before a copy is staged, when `additional_bytes` more would
  // not fit in the user's quota (kQuotaExceeded with a clear message).
  Status CheckQuota(UserId owner, std::int64_t additional_bytes);
  // What `owner` may still store (quota minus usage, 0 when over).
  Result<std::int64_t> FreeQuota(UserId owner);

  Result<PhotoPage> ListPhotos(UserId owner, const PhotoQuery& query);
  Result<std::vector<Photo>> AllPhotos(UserId owner);  // every photo, any order
  // kNotFound when the id does not exist or belongs to another user.
  Result<Photo> GetPhoto(UserId owner, const std::string& id);
  // The photo's thumbnail; kNotFound as GetPhoto. Answered from this
  // process's cache (core/thumbnail_cache.h) while no photo was deleted
  // anywhere since it was read, else by one query and one file read.
  Result<std::shared_ptr<const ThumbnailBytes>> ReadThumbnail(UserId owner, const std::string& id,
                                                              ThumbnailSize size);
  // Moves the photo to the trash (what every front end's "delete" does):
  // out of every view and listing, restorable until purged, still counted
  // against the quota. kNotFound unless it is in the library.
  Status DeletePhoto(UserId owner, const std::string& id);
  // --- the trash ---
  // kNotFound unless it is in the trash.
  Result<Photo> RestorePhoto(UserId owner, const std::string& id);
  // Deletes for good, from the library or the trash; frees its quota.
  // Moves the home's revocation epoch: other processes drop what they
  // cached about photos.
  Status PurgePhoto(UserId owner, const std::string& id);
  // Most recently trashed first; `limit` 0: all.
  Result<PhotoPage> ListTrash(UserId owner, int limit, const std::string& cursor);
  Result<int> EmptyTrash(UserId owner);  // how many were purged
  // Purges what has been in any user's trash longer than OCTOPUS_TRASH_DAYS
  // at `now` (the retention tests pass a later moment).
  Result<int> PurgeExpiredTrash(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  Result<Photo> RenamePhoto(UserId owner, const std::string& id, const std::string& filename);
  // A user's correction of a photo's name, capture time or place
  // (core/photo_edit.h says what each takes). kInvalidArgument for an edit
  // it refuses, kNotFound as GetPhoto. Moves the photo between the folders
  // of the views with its feed entry, so mounts and /browse follow.
  Result<Photo> CorrectPhoto(UserId owner, const std::string& id, const PhotoEdit& edit);
  // Recomputes places for the user's photos (all users when nullopt),
  // keeping places a user set.
  Result<int> ReindexPlaces(std::optional<UserId> owner);

  std::filesystem::path OriginalPath(const Photo& photo) const;
  std::filesystem::path ThumbnailPath(const Photo& photo, ThumbnailSize size) const;

  // --- following changes (core/store/change_feed.h) ---
  // Every photo of `owner`, one at a time, and the feed position they are
  // the state at; then ChangesSince(position.head) misses nothing.
  Result<FeedPosition> ForEachPhoto(UserId owner, const std::function<void(const Photo&)>& visit);
  Result<FeedPosition> ChangeFeedPosition(UserId owner);  // one indexed row: cheap to poll
  Result<ChangeBatch> ChangesSince(UserId owner, std::int64_t since, int limit);
  // Those of `ids` that are the owner's photos now (a removed one is absent).
  Result<std::vector<Photo>> GetPhotos(UserId owner, const std::vector<std::string>& ids);
  // A view's folders with counts, as GroupPhotos would make them from every
  // photo, read from counts kept in step with each change.
  Result<FolderNode> Folders(UserId owner, View view);

  // Checks database against blob store; with repair, mends what it can.
  Result<FsckReport> Fsck(bool repair);

  // What the mount's import/ received (core/import_records.h).
  ImportRecords& import_records();

 private:
  class Impl;
  explicit Library(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace octopus
