// Internal to http/: the route table and the state handlers share. Each
// routes_*.cc adds the routes of one resource.
#pragma once

#include <httplib.h>

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/library.h"
#include "http/api_server.h"
#include "http/browse_cache.h"
#include "http/client_address.h"
#include "http/http_util.h"
#include "http/registration_limit.h"
#include "http/throttle.h"
#include "http/token_cache.h"
#include "http/upload_ledger.h"

namespace octopus::http {

enum class Access { kPublic, kUser, kAdmin };

// The authenticated caller of a kUser or kAdmin route.
struct Caller {
  SessionIdentity user;
  std::string jti;  // the token's session id
  // Authenticated by the octopus_session cookie rather than a bearer
  // header: unsafe methods have passed the CSRF check (browser_session.h).
  bool by_cookie = false;
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&)>;
// For streamed request bodies (uploads): the body has not been read yet.
using ReaderHandler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&,
                                         const httplib::ContentReader&)>;

struct Route {
  std::string method;
  std::string path;  // OpenAPI template; "{name}" matches one path segment
  Access access = Access::kUser;
  Handler handler;
  ReaderHandler reader_handler;  // set instead of `handler` for streamed bodies
  // Also answers at `path` + "/" (a page people type: /docs/). Documented
  // once, without the slash, as OpenAPI linters require.
  bool trailing_slash_too = false;
};

// Shared by every handler; immutable after start except where noted.
struct ServerState {
  ServerState(Library& lib, const ApiServerOptions& opts)
      : library(lib),
        config(lib.config()),
        options(opts),
        tls(!opts.tls_cert.empty() && !opts.tls_key.empty()),
        max_upload_request_bytes(opts.max_upload_request_bytes != 0
                                     ? opts.max_upload_request_bytes
                                     : 4 * static_cast<std::size_t>(config.max_upload_bytes) +
                                           (1 << 20)),
        throttle(opts.throttle),
        registrations(config.registrations_per_hour, std::chrono::hours(1)),
        uploads(opts.max_uploads_per_user),
        tokens(config.secret_key),
        browse(8 * 1024 * 1024) {}
  Library& library;
  const Config config;
  const ApiServerOptions options;
  const bool tls;                              // serving HTTPS itself
  const std::size_t max_upload_request_bytes;  // whole POST /photos request
  LoginThrottle throttle;                      // thread-safe
  RegistrationLimit registrations;             // thread-safe
  UploadLedger uploads;                        // thread-safe
  VerifiedTokenCache tokens;                   // thread-safe
  BrowseCache browse;                          // thread-safe
  // OCTOPUS_TRUSTED_PROXIES, parsed when the server starts (then immutable).
  TrustedProxies trusted_proxies;
};

class RouteTable {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// A listing's `limit` parameter: the default when absent, capped at the
// maximum; nothing (a 400 sent) when it is not a positive integer.
std::optional<int> PageLimit(const ServerState& state, const httplib::Request& req,
                             httplib::Response& res);  // routes_photos.cc
// A page of photos as every listing answers it: {photos, next_cursor}.
void SendPhotoPage(httplib::Response& res, const PhotoPage& page);  // routes_photos.cc

// A page for people, not cached without revalidation.
void SendHtml(httplib::Response& res, const std::string& page);  // routes_meta.cc
// The page of /about: links to the documentation and the API.
const char* HomePage();  // routes_meta.cc

void AddAuthRoutes(RouteTable& table, ServerState& state);    // routes_auth.cc
void AddUserRoutes(RouteTable& table, ServerState& state);    // routes_users.cc
void AddPhotoRoutes(RouteTable& table, ServerState& state);   // routes_photos.cc
void AddUploadRoutes(RouteTable& table, ServerState& state);  // routes_upload.cc
void AddBrowseRoutes(RouteTable& table, ServerState& state);  // routes_browse.cc
void AddTrashRoutes(RouteTable& table, ServerState& state);   // routes_trash.cc
void AddMetaRoutes(RouteTable& table, ServerState& state);    // routes_meta.cc
// GET / and the page's files under /app/: not API routes (no OpenAPI
// operation each), registered on the server directly.
void AddWebRoutes(RouteTable& table, httplib::Server& server, ServerState& state);  // routes_web.cc

}  // namespace octopus::http
