// Settings and the home directory layout.
//
// Precedence, first that sets a value wins: command-line flags, environment
// variables (OCTOPUS_*), the home's `.env` file, built-in defaults.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace octopus {

// A quarter of physical memory shared by one decode per core, kept between
// 256 MiB and 512 MiB. Under the ceiling fit the largest real photos (a
// 50 MP progressive 4:4:4 JPEG or 100 MP progressive 4:2:0: 300 MB; a
// 48 MP 8-bit HEIC: 430 MB; baseline JPEGs, whatever their size, tens of MB
// with the scaled IDCT), not a 10000x10000 progressive 4:4:4 bomb of 1.2 MB
// (620 MB). The floor keeps 24 MP progressive photos (75 MB) and 12 MP
// HEICs (110 MB) importable on a small machine. 2 cores, 24 GB: 512 MiB.
std::int64_t DefaultMaxDecodeMemory();

struct Config {
  std::filesystem::path home;                                    // ~/.OctopusPhotos
  std::int64_t default_quota_bytes = 10LL * 1000 * 1000 * 1000;  // OCTOPUS_DEFAULT_QUOTA
  std::uint64_t max_pixels = 100'000'000;                        // OCTOPUS_MAX_PIXELS
  std::int64_t max_upload_bytes = 512LL * 1024 * 1024;           // OCTOPUS_MAX_UPLOAD
  int thumb_small_px = 250;                                      // OCTOPUS_THUMB_SMALL
  int thumb_preview_px = 1440;                                   // OCTOPUS_THUMB_PREVIEW
  int thumb_quality = 85;                                        // OCTOPUS_THUMB_QUALITY
  std::string bind = "127.0.0.1";                                // OCTOPUS_BIND
  int port = 8080;                                               // OCTOPUS_PORT
  std::string log_level = "info";                                // OCTOPUS_LOG_LEVEL
  std::string secret_key;                                        // OCTOPUS_SECRET_KEY
  int token_ttl_seconds = 3600;                                  // OCTOPUS_TOKEN_TTL
  // Anonymous POST /auth/register. Off by default: accounts are made by the
  // CLI (or by `serve` on an empty home) unless the owner opens it. Open, it
  // is limited per client address, and what it makes gets its own quota,
  // smaller than the one an administrator gives.
  bool open_registration = false;                                // OCTOPUS_OPEN_REGISTRATION
  std::int64_t registration_quota_bytes = 1000LL * 1000 * 1000;  // OCTOPUS_REGISTRATION_QUOTA
  int registrations_per_hour = 5;                                // OCTOPUS_REGISTRATIONS_PER_HOUR
  std::string admin_user = "admin";                              // OCTOPUS_ADMIN_USER
  std::string admin_password;                                    // OCTOPUS_ADMIN_PASSWORD
  std::string cors_origin;                                       // OCTOPUS_CORS_ORIGIN
  // The API server on its own (http/connection_guard.h): concurrent
  // connections from one address (IPv6: one /64), seconds for a request's
  // headers, seconds a request body may go without progress.
  int max_connections_per_address = 32;  // OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS
  int header_timeout_seconds = 10;       // OCTOPUS_HEADER_TIMEOUT
  int body_timeout_seconds = 30;         // OCTOPUS_BODY_TIMEOUT
  // Addresses or CIDR blocks of reverse proxies whose X-Forwarded-For and
  // X-Real-IP are believed; empty: nobody's. Checked by the API server.
  std::string trusted_proxies;  // OCTOPUS_TRUSTED_PROXIES
  // Internal location of a trusted nginx front mapping the blob store
  // ("/_octopus_blobs/"): originals and thumbnails are then answered with
  // X-Accel-Redirect for nginx to send. Empty: off.
  std::string accel_redirect;          // OCTOPUS_ACCEL_REDIRECT
  std::filesystem::path mount_point;   // OCTOPUS_MOUNT
  std::filesystem::path places_index;  // OCTOPUS_PLACES_INDEX
  // GeoNames data to build places_index from (dump files or npm packages);
  // empty: the front end's default (the CLI: web/node_modules of its source tree).
  std::filesystem::path places_data;  // OCTOPUS_PLACES_DATA
  // Days a deleted photo stays in the trash before it is purged for good
  // (0: purged at the next sweep).
  int trash_days = 30;  // OCTOPUS_TRASH_DAYS
  // Memory one image decode may take, estimated from its header before
  // decoding (core/image/thumbnailer.h); decodes run one per core at most.
  std::int64_t max_decode_memory = DefaultMaxDecodeMemory();  // OCTOPUS_MAX_DECODE_MEMORY

  // Where the metadata lives (OCTOPUS_DATABASE_URL, flag --database): empty
  // or "sqlite:" is SQLite at database_path(); "postgresql://...",
  // "postgres://..." or a libpq "key=value ..." string is a PostgreSQL 15+
  // database. HAZARD: it may hold a password; never log or echo it.
  std::string database_url;  // OCTOPUS_DATABASE_URL
  bool database_is_sqlite() const { return database_url.empty() || database_url == "sqlite:"; }

  std::filesystem::path storage_dir() const { return home / "data" / "storage"; }
  std::filesystem::path logs_dir() const { return home / "data" / "logs"; }
  std::filesystem::path instance_dir() const { return home / "instance"; }
  std::filesystem::path database_path() const { return instance_dir() / "octopus.db"; }
  std::filesystem::path env_path() const { return home / ".env"; }
};

// Flags given on the command line, by setting name ("OCTOPUS_PORT" -> "9000").
using Overrides = std::map<std::string, std::string>;

// Whether LoadConfig may make a new library home.
enum class HomeUse {
  kCreate,    // commands that set a library up (user add, serve)
  kExisting,  // every other command: a mistyped --home is an error, not a
              // new empty library
};

// Resolves the home (flag "OCTOPUS_HOME", env OCTOPUS_HOME, ~/.OctopusPhotos),
// creates its layout on first use (data/storage, data/logs, instance, and a
// `.env` with a fresh random OCTOPUS_SECRET_KEY, mode 0600), then reads every
// setting by precedence. Bad values are an error naming the setting.
// With HomeUse::kExisting, a home without a database is kNotFound ("no
// library at DIR") and nothing is created; with a PostgreSQL database the
// home's storage directory stands for it (the server is not asked here).
Result<Config> LoadConfig(const Overrides& flags, HomeUse use = HomeUse::kCreate);

// Whether `url` names a PostgreSQL database: a postgresql:// or postgres://
// URI, or a libpq keyword string ("host=... dbname=...").
bool IsPostgresConnectionString(std::string_view url);

// Parses "500M", "10G", "1.5T", "123" (bytes). Decimal units (1G = 10^9),
// "GiB"-style binary units accepted too.
Result<std::int64_t> ParseSize(std::string_view text);
// "5.2 MB", "10 GB", "512 B".
std::string FormatSize(std::int64_t bytes);

}  // namespace octopus
