// The JSON API over one Library: accounts and tokens, uploads, listing and
// browsing, originals and thumbnails. Served by cpp-httplib on its own
// thread pool; see openapi.cc for the endpoints.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/library.h"
#include "core/status.h"
#include "http/throttle.h"

namespace octopus::http {

struct ApiServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port, see ApiServer::port()
  // Both set: HTTPS with this certificate chain and private key (PEM).
  std::filesystem::path tls_cert, tls_key;
  // A swagger-ui-dist folder (holding swagger-ui-bundle.js) served under
  // /docs/assets/; empty or missing: /docs is a plain page linking the
  // OpenAPI document.
  std::filesystem::path docs_dir;
  // The web gallery (web/app): index.html served at /, its files under
  // /app/. Empty or without index.html: / is the page of /about.
  std::filesystem::path web_dir;
  // npm packages (web/node_modules), of which an allow-list is served under
  // /app/vendor/. Empty: web_dir's sibling node_modules.
  std::filesystem::path web_modules_dir;
  ThrottleOptions throttle;
  std::size_t threads = 0;                 // 0: max(16, 4 x cores)
  std::size_t max_json_bytes = 64 * 1024;  // bodies of JSON requests
  int max_page_size = 200;                 // cap of GET /photos?limit=
  int default_page_size = 50;
  // Whole-request cap of POST /photos; each file is also capped by the
  // config's max_upload_bytes. 0: 4 x max_upload_bytes + 1 MiB.
  std::size_t max_upload_request_bytes = 0;
  // POST /photos requests one user may have in flight at once; beyond, 429.
  // Six: a browser opens at most six connections to one host, so a web
  // page uploading in parallel never meets the cap.
  int max_uploads_per_user = 6;
};

struct ConnectionStats;  // http/connection_guard.h

// A route as registered: method and OpenAPI path template
// ("/api/v1/photos/{id}").
struct RouteInfo {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;
  bool needs_token = true;  // false for the public routes (login, health, docs)
  bool admin_only = false;
};

// Thread-safe: Stop() may be called from any thread. Settings (secret key,
// token lifetime, registration, CORS, upload limit) come from
// library.config().
class ApiServer {
 public:
  // Binds (the port is known when this returns) and starts serving on a
  // background thread. `library` must outlive the server.
  static Result<std::unique_ptr<ApiServer>> Start(Library& library,
                                                  const ApiServerOptions& options);
  ~ApiServer();  // Stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  int port() const;
  bool tls() const;
  // Stops accepting, lets in-flight requests finish, joins the threads.
  // Idempotent.
  void Stop();

  std::vector<RouteInfo> routes() const;
  // What the connection guard admitted, refused and cut so far.
  ConnectionStats connection_stats() const;

  class Impl;

 private:
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace octopus::http
