// The library: users, photos, quotas and the blob store behind one facade,
// shared unchanged by the CLI, the FUSE mount and the HTTP API.
//
// Thread-safe: every method may be called from any thread; each thread gets
// its own SQLite connection. Several processes may open the same home at
// once (SQLite WAL, busy timeout; quota checks inside IMMEDIATE transactions).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/photo.h"
#include "core/status.h"

namespace octopus {

namespace places {
class PlaceIndex;
}

struct User {
  UserId id = 0;
  std::string name;
  bool is_admin = false;
  bool disabled = false;
  std::int64_t quota_bytes = 0;
  std::int64_t used_bytes = 0;  // sum of the sizes of the user's originals
  std::int64_t photo_count = 0;
  std::string created_at;  // ISO 8601 UTC
};

// Who an API session belongs to: what a request needs on every call. Quota
// and usage are not here; read them with GetUser when needed.
struct SessionIdentity {
  UserId id = 0;
  std::string name;
  bool is_admin = false;
};

enum class IngestOutcome { kImported, kDuplicate };

struct IngestRequest {
  std::filesystem::path source;  // a regular file
  std::string filename;          // the name to show; sanitized by the library
  // The file's mtime (seconds since the epoch), used as an estimated capture
  // time when the photo has no EXIF date. Unset: taken from `source`.
  std::optional<std::int64_t> mtime;
  // True when `source` is a file the caller created in StagingDir(): the
  // library moves it instead of copying, and removes it on any outcome.
  bool consume_source = false;
};

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kImported;
  Photo photo;  // the stored photo (the existing one for a duplicate)
};

// Filters for ListPhotos; empty fields do not filter.
struct PhotoQuery {
  std::string from;    // taken_at >= from ("2024-07-01" or full timestamp)
  std::string to;      // taken_at <  to (exclusive)
  std::string camera;  // "<Make> <Model>" as shown in by-camera/
  std::string country, region, city;
  std::string text;    // substring of filename, camera, lens or place
  int limit = 0;       // 0: no limit
  std::string cursor;  // opaque, from a previous page's next_cursor
};

struct PhotoPage {
  std::vector<Photo> photos;  // newest first (by taken_at, then id)
  std::string next_cursor;    // empty when this is the last page
};

enum class ThumbnailSize { kSmall, kPreview };

// A thumbnail's JPEG bytes and the content hash of its photo, which names
// it: thumbnails are derived from the content alone.
struct ThumbnailBytes {
  std::string sha256;
  std::string jpeg;
};

struct FsckReport {
  std::vector<std::string> problems;  // one line each, human readable
  int repaired = 0;
  bool clean() const { return problems.empty(); }
};

class Library {
 public:
  // Opens (creating or migrating) the database under config.home. A database
  // written by a newer version is refused with a clear message.
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
  Status SetQuota(const std::string& name, std::int64_t quota_bytes);
  Status SetPassword(const std::string& name, const std::string& password);
  Status SetDisabled(const std::string& name, bool disabled);
  // Grants or revokes administration. A revocation moves the epoch like
  // SetDisabled: cached sessions carry is_admin, and the next API request
  // must see the change.
  Status SetAdmin(const std::string& name, bool is_admin);
  // Removes the user, their photos, blobs and thumbnails.
  Status RemoveUser(const std::string& name);
  // kUnauthenticated for an unknown user, a wrong password or a disabled
  // user, with the same message for each. Constant-time hash comparison.
  Result<User> Authenticate(const std::string& name, const std::string& password);

  // --- sessions (API tokens, by their JWT id) ---
  // SetPassword, SetDisabled, SetAdmin, RemoveUser and the Revoke calls below move the
  // home's revocation epoch (core/revocation_epoch.h), which every process
  // checks before trusting a session it cached.
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

  Result<PhotoPage> ListPhotos(UserId owner, const PhotoQuery& query);
  Result<std::vector<Photo>> AllPhotos(UserId owner);  // every photo, any order
  // kNotFound when the id does not exist or belongs to another user.
  Result<Photo> GetPhoto(UserId owner, const std::string& id);
  // The photo's thumbnail; kNotFound as GetPhoto. Answered from this
  // process's cache (core/thumbnail_cache.h) while no photo was deleted
  // anywhere since it was read, else by one query and one file read.
  Result<std::shared_ptr<const ThumbnailBytes>> ReadThumbnail(UserId owner, const std::string& id,
                                                              ThumbnailSize size);
  // Moves the home's revocation epoch: other processes drop what they
  // cached about photos.
  Status DeletePhoto(UserId owner, const std::string& id);
  Result<Photo> RenamePhoto(UserId owner, const std::string& id, const std::string& filename);
  // Recomputes places for the user's photos (all users when nullopt).
  Result<int> ReindexPlaces(std::optional<UserId> owner);

  std::filesystem::path OriginalPath(const Photo& photo) const;
  std::filesystem::path ThumbnailPath(const Photo& photo, ThumbnailSize size) const;

  // Grows on every change to the user's photos, from any process. Front ends
  // poll it to know when to refresh.
  Result<std::int64_t> Generation(UserId owner);

  // Checks database against blob store; with repair, mends what it can.
  Result<FsckReport> Fsck(bool repair);

 private:
  class Impl;
  explicit Library(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace octopus
