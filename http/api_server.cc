#include "http/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/log.h"
#include "http/browser_session.h"
#include "http/client_address.h"
#include "http/connection_guard.h"
#include "http/error_map.h"
#include "http/jwt.h"
#include "http/request_bodies.h"
#include "http/routes.h"
#include "http/socket_hooks.h"

namespace octopus::http {
namespace {

constexpr std::string_view kUploadPath = "/api/v1/photos";

// What the access log needs about the request being served on this thread.
// The pre-routing hook, the handler and the logger of one request all run
// on the thread that serves its connection, one request at a time.
struct RequestTrace {
  bool started = false;
  std::chrono::steady_clock::time_point start;
  std::string method;  // as received (CloseAfterResponse may change req's)
  std::string client;  // the client's address, through trusted proxies
  std::string user;
};
thread_local RequestTrace t_trace;

std::string TemplateToRegex(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') {
      i = path.find('}', i);
      out += "([^/]+)";
      continue;
    }
    if (std::string_view(".^$|()[]*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A bearer header, when there is one, is the credential and any cookie is
// ignored; otherwise the octopus_session cookie. Both carry the same token
// and are verified alike.
Result<Caller> AuthenticateRequest(ServerState& state, const httplib::Request& req) {
  const bool by_cookie = !req.has_header("Authorization");
  std::optional<std::string> cookie;
  std::optional<std::string_view> token;
  const std::string header = req.get_header_value("Authorization");
  if (by_cookie) {
    cookie = SessionCookie(req);
    if (cookie) token = *cookie;
  } else {
    token = BearerToken(header);
  }
  if (!token) return Status::Unauthenticated("missing bearer token or session cookie");
  const auto refused = Status::Unauthenticated("invalid or expired token");
  auto claims = state.tokens.Verify(*token, NowSeconds());
  if (!claims.ok()) {
    spdlog::debug("token refused: {}", claims.status().message());
    return refused;
  }
  UserId id = 0;
  const std::string& sub = claims->sub;
  if (auto [p, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
      ec != std::errc() || p != sub.data() + sub.size()) {
    return refused;
  }
  auto user = state.library.SessionUser(id, claims->jti);
  if (!user.ok()) return user.status().code() == Code::kNotFound ? refused : user.status();
  return Caller{std::move(user).value(), claims->jti, by_cookie};
}

// Runs the route's access check, then its handler.
template <typename Fn>
void Guarded(ServerState& state, Access access, const httplib::Request& req, httplib::Response& res,
             Fn&& call) {
  Caller caller;
  if (access != Access::kPublic) {
    auto authenticated = AuthenticateRequest(state, req);
    if (!authenticated.ok()) {
      if (authenticated.status().code() == Code::kUnauthenticated) {
        res.set_header("WWW-Authenticate", "Bearer");
        // A dead session cookie (revoked, expired, its user disabled) is
        // dropped from the browser.
        if (!req.has_header("Authorization") && req.has_header("Cookie") && SessionCookie(req)) {
          res.set_header("Set-Cookie", ClearedSessionCookieHeader(SecureCookies(state, req)));
        }
      }
      return SendStatus(res, authenticated.status());
    }
    caller = std::move(authenticated).value();
    t_trace.user = caller.user.name;
    if (caller.by_cookie && IsUnsafeMethod(req.method)) {
      const std::string scheme = RequestScheme(state.tls, state.trusted_proxies, req);
      if (auto refused = CheckCookieRequest(req, scheme, state.config.secret_key, caller.jti)) {
        return SendError(res, *refused);
      }
    }
    if (access == Access::kAdmin && !caller.user.is_admin) {
      return SendError(res, 403, "forbidden", "administrators only");
    }
  }
  call(caller);
}

const char* DefaultMessage(int status) {
  switch (status) {
    case 400:
      return "malformed request";
    case 404:
      return "no such endpoint";
    case 413:
      return "request too large";
    case 414:
      return "request URI too long";
    case 416:
      return "range not satisfiable";
    default:
      return status >= 500 ? "internal server error" : "request refused";
  }
}

}  // namespace

class ApiServer::Impl {
 public:
  Impl(Library& library, const ApiServerOptions& options) : state_(library, options) {}

  Status Init();
  void Stop();

  ServerState state_;
  RouteTable table_;
  // Declared before server_: the library's pool, which calls into it,
  // is gone before it is.
  std::unique_ptr<ConnectionGuard> guard_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_ended_{false};
  std::mutex stop_mu_;  // serializes Stop()
  int port_ = 0;
  int listen_fd_ = -1;  // the listening socket, seen as the library creates it
  bool tls_ = false;
  std::atomic<bool> warned_unguarded_{false};

 private:
  void RegisterRoutes();
  void InstallHooks();
};

void ApiServer::Impl::RegisterRoutes() {
  AddAuthRoutes(table_, state_);
  AddUserRoutes(table_, state_);
  AddUploadRoutes(table_, state_);
  AddPhotoRoutes(table_, state_);
  AddBrowseRoutes(table_, state_);
  AddTrashRoutes(table_, state_);
  AddMetaRoutes(table_, state_);
  AddWebRoutes(table_, *server_, state_);
  ServerState* state = &state_;
  for (const Route& route : table_.routes()) {
    const std::string pattern =
        TemplateToRegex(route.path) + (route.trailing_slash_too ? "/?" : "");
    const Access access = route.access;
    if (route.reader_handler) {
      auto fn = route.reader_handler;
      server_->Post(pattern,
                    [state, access, fn](const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader& reader) {
                      // The body's progress, for the connection guard's idle rule.
                      const httplib::ContentReader counted(
                          [&reader](httplib::ContentReceiver receiver) {
                            return reader([&receiver](const char* data, std::size_t n) {
                              ConnectionGuard::OnBodyBytes(n);
                              return receiver(data, n);
                            });
                          },
                          reader.multipart_reader_);
                      bool admitted = false;
                      Guarded(*state, access, req, res, [&](const Caller& c) {
                        admitted = true;
                        fn(req, res, c, counted);
                      });
                      ConnectionGuard::OnHandlerStarted();  // the body is behind us
                      // Refused before its body was read: the body must not be parsed
                      // as the next request.
                      if (!admitted) CloseAfterResponse(req, res);
                    });
      continue;
    }
    auto fn = route.handler;
    httplib::Server::Handler h = [state, access, fn](const httplib::Request& req,
                                                     httplib::Response& res) {
      ConnectionGuard::OnHandlerStarted();  // the library has read the body
      Guarded(*state, access, req, res, [&](const Caller& c) { fn(req, res, c); });
    };
    if (route.method == "GET") {
      server_->Get(pattern, std::move(h));
    } else if (route.method == "POST") {
      server_->Post(pattern, std::move(h));
    } else if (route.method == "PATCH") {
      server_->Patch(pattern, std::move(h));
    } else if (route.method == "DELETE") {
      server_->Delete(pattern, std::move(h));
    } else if (route.method == "PUT") {
      server_->Put(pattern, std::move(h));
    }
  }
}

void ApiServer::Impl::InstallHooks() {
  ServerState* state = &state_;
  std::atomic<bool>* warned_unguarded = &warned_unguarded_;
  const std::string cors_origin = state_.config.cors_origin;
  server_->set_pre_routing_handler([state, warned_unguarded, cors_origin](
                                       const httplib::Request& req, httplib::Response& res) {
    t_trace = RequestTrace{true, std::chrono::steady_clock::now(), req.method,
                           ClientAddress(state->trusted_proxies, req), ""};
    // The library would apply Range to any routed response, error bodies
    // included; originals handle Range themselves, so the parsed ranges are
    // dropped here (the header stays). `req` is the server's own mutable
    // Request object, so the cast is well-defined.
    const_cast<httplib::Request&>(req).ranges.clear();
    // Framing is checked before the library reads any body, and before
    // anything is answered (a CORS preflight too): a refused body stays
    // unread, so the connection cannot carry another request.
    const bool upload = req.method == "POST" && req.path == kUploadPath;
    const bool has_body = req.method == "POST" || req.method == "PATCH" || req.method == "PUT" ||
                          req.method == "DELETE";
    const BodyKind kind = upload ? BodyKind::kUpload : has_body ? BodyKind::kJson : BodyKind::kNone;
    const std::size_t max =
        upload ? state->max_upload_request_bytes : state->options.max_json_bytes;
    auto refused = CheckBodyFraming(kind, req.method, req.headers, max);
    const bool framed = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    const BodyExpected body =
        refused || kind == BodyKind::kNone || (kind == BodyKind::kJson && !framed)
            ? BodyExpected::kNone
        : kind == BodyKind::kUpload ? BodyExpected::kStream
                                    : BodyExpected::kJson;
    if (!ConnectionGuard::OnHeadersComplete(body) && !warned_unguarded->exchange(true)) {
      spdlog::error(
          "connection guard not in effect: this connection was not seen at accept (is accept() "
          "interposed?); slow or oversized requests are not cut");
    }
    if (refused) {
      SendError(res, *refused);
      CloseAfterResponse(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (kind == BodyKind::kJson && !framed) {
      // No Content-Length and no Transfer-Encoding: the request has no body
      // (RFC 9112 6.3), as `POST /auth/logout` from many clients. The
      // library would read one until the connection closes; tell it there
      // is none. `req` is the server's own mutable Request object.
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    if (!cors_origin.empty() && req.method == "OPTIONS") {
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, If-None-Match, Range");
      res.set_header("Access-Control-Max-Age", "600");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server_->set_post_routing_handler(
      [cors_origin](const httplib::Request& req, httplib::Response& res) {
        res.set_header("X-Content-Type-Options", "nosniff");
        if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
        if (!cors_origin.empty() && req.has_header("Origin")) {
          const std::string origin = req.get_header_value("Origin");
          if (cors_origin == "*" || origin == cors_origin) {
            res.set_header("Access-Control-Allow-Origin", cors_origin == "*" ? "*" : origin);
            res.set_header("Access-Control-Expose-Headers",
                           "ETag, Content-Disposition, Content-Range, Retry-After");
            res.set_header("Vary", "Origin");
          }
        }
      });

  // Fills bodiless failures (no route, limits the library enforces) with
  // the error shape; responses a handler already wrote pass unchanged.
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty() || res.content_provider_) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        SendError(res, res.status, ErrorCodeForStatus(res.status), DefaultMessage(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  server_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("exception serving {} {}: {}", req.method, LogSafe(req.path), what);
        res.headers.clear();
        res.content_provider_ = nullptr;
        SendError(res, 500, "internal", "internal server error");
      });

  // One line per request, to the log file only (AccessLog); never headers,
  // query strings or bodies, which may carry tokens and passwords.
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    double ms = 0;
    if (t_trace.started) {
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                     t_trace.start)
               .count();
    }
    const std::string length = res.get_header_value("Content-Length");
    AccessLog().info("access {} \"{} {}\" {} {} {:.1f}ms user={}",
                     LogSafe(t_trace.started ? t_trace.client : req.remote_addr, 64),
                     LogSafe(t_trace.method.empty() ? req.method : t_trace.method, 16),
                     LogSafe(req.path), res.status, length.empty() ? "0" : length, ms,
                     t_trace.user.empty() ? "-" : t_trace.user);
    t_trace = RequestTrace{};
    // The response is out: the connection waits for its next request.
    ConnectionGuard::OnResponseWritten();
  });
}

Status ApiServer::Impl::Init() {
  const ApiServerOptions& options = state_.options;
  tls_ = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls_) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate and a private key");
    }
    server_ =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) {
    return Status::InvalidArgument("cannot load the TLS certificate " + options.tls_cert.string() +
                                   " or key " + options.tls_key.string());
  }
  // One pool thread per open connection (httplib serves a keep-alive
  // connection on one thread until it closes): wrk or a photo grid opens
  // dozens at once, and most of a request's time is spent waiting on I/O.
  std::size_t threads = options.threads;
  if (threads == 0) threads = std::max<std::size_t>(128, 16 * std::thread::hardware_concurrency());
  auto trusted = TrustedProxies::Parse(state_.config.trusted_proxies);
  if (!trusted.ok()) return trusted.status();
  state_.trusted_proxies = *trusted;
  const Config& config = state_.config;
  if (!config.accel_redirect.empty() && trusted->empty()) {
    spdlog::warn(
        "OCTOPUS_ACCEL_REDIRECT is set but OCTOPUS_TRUSTED_PROXIES is empty: "
        "originals and thumbnails are sent by this server");
  }
  ConnectionLimits limits;
  limits.max_per_address = static_cast<std::size_t>(config.max_connections_per_address);
  limits.max_total = 4 * threads;  // queued beyond the pool, each cut by the header deadline
  limits.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  limits.body_timeout = std::chrono::seconds(config.body_timeout_seconds);
  guard_ = std::make_unique<ConnectionGuard>(limits, *trusted, tls_);
  if (!socket_hooks::Active()) {
    spdlog::error(
        "accept() is not interposed in this executable: connection limits and "
        "deadlines are not in effect");
  }
  ConnectionGuard* guard = guard_.get();
  server_->new_task_queue = [guard, threads] { return guard->NewTaskQueue(threads); };
  server_->set_payload_max_length(state_.max_upload_request_bytes);
  server_->set_read_timeout(30);
  server_->set_write_timeout(30);
  server_->set_keep_alive_timeout(5);
  server_->set_keep_alive_max_count(1000);
  // Responses are written as headers then body: without TCP_NODELAY the
  // body waits for the peer's delayed ACK (40 ms) on every keep-alive
  // request.
  server_->set_tcp_nodelay(true);

  if (!options.docs_dir.empty() &&
      std::filesystem::exists(options.docs_dir / "swagger-ui-bundle.js")) {
    if (!server_->set_mount_point("/docs/assets", options.docs_dir.string())) {
      spdlog::warn("cannot serve {}; /docs shows a plain page", options.docs_dir.string());
    }
  }
  RegisterRoutes();
  InstallHooks();
  // The library hands its listening socket to this hook before binding it.
  // Its default options set SO_REUSEPORT, with which a second server on a
  // port in use binds without error and the kernel splits connections
  // between the two; we set only SO_REUSEADDR, which lets a restart bind
  // while the last run's connections linger in TIME_WAIT but never beside
  // a live listener.
  server_->set_socket_options([this](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });

  errno = 0;
  if (options.port == 0) {
    port_ = server_->bind_to_any_port(options.bind);
  } else {
    port_ = server_->bind_to_port(options.bind, options.port) ? options.port : -1;
  }
  if (port_ <= 0) {
    const int err = errno != 0 ? errno : EADDRINUSE;
    return Status::IoError("cannot listen on " + options.bind + ":" + std::to_string(options.port) +
                               ": " + std::strerror(err),
                           err);
  }
  // cpp-httplib 0.11 listens with a backlog of 5, fixed when the library was
  // compiled. A burst of connections (a browser's thumbnail grid, 64 API
  // clients) overflows it; the kernel then drops handshakes and first
  // segments, and a request can arrive after the server gave up waiting for
  // it (keep-alive timeout): the client sees the connection closed with no
  // answer. Listening again once bound only raises the backlog.
  if (listen_fd_ >= 0 && ::listen(listen_fd_, SOMAXCONN) != 0) {
    spdlog::warn("cannot raise the listen backlog: {}", std::strerror(errno));
  }
  if (listen_fd_ >= 0) guard_->Attach(listen_fd_);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_ended_ = true;
  });
  return Status::Ok();
}

void ApiServer::Impl::Stop() {
  std::lock_guard lock(stop_mu_);
  if (!thread_.joinable()) return;
  // stop() is a no-op until the loop has marked itself running; wait for
  // that (or for the loop to have ended on its own).
  while (!server_->is_running() && !listen_ended_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  // Connections waiting for a request (slow clients, idle keep-alives)
  // would each hold the pool's shutdown until their read timed out: cut
  // them; bodies still arriving get a grace; handlers finish.
  guard_->BeginStop();
  thread_.join();  // the pool finishes in-flight requests first
  // Access lines are buffered (core/log.h); a clean stop loses none.
  AccessLog().flush();
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(Library& library,
                                                    const ApiServerOptions& options) {
  auto impl = std::make_unique<Impl>(library, options);
  if (Status s = impl->Init(); !s.ok()) return s;
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() { Stop(); }
int ApiServer::port() const { return impl_->port_; }
bool ApiServer::tls() const { return impl_->tls_; }
void ApiServer::Stop() { impl_->Stop(); }

ConnectionStats ApiServer::connection_stats() const {
  return impl_->guard_ ? impl_->guard_->stats() : ConnectionStats{};
}

std::vector<RouteInfo> ApiServer::routes() const {
  std::vector<RouteInfo> out;
  for (const Route& r : impl_->table_.routes()) {
    out.push_back({r.method, r.path, r.access != Access::kPublic, r.access == Access::kAdmin});
  }
  return out;
}

}  // namespace octopus::http
