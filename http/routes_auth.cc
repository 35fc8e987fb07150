// POST /auth/register, /auth/login, /auth/logout; GET /auth/session.
#include <spdlog/spdlog.h>

#include "core/accounts.h"
#include "core/photo_json.h"
#include "core/random.h"
#include "http/browser_session.h"
#include "http/error_map.h"
#include "http/jwt.h"
#include "http/request_bodies.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

// Reads {"username": "...", "password": "..."}; sends the error when not.
bool ReadCredentials(const httplib::Request& req, httplib::Response& res, std::string* name,
                     std::string* password, bool* cookie_session = nullptr) {
  CredentialsRequest request;
  HttpError error;
  if (!ParseCredentialsRequest(req.body, &request, &error)) {
    SendError(res, error);
    return false;
  }
  *name = std::move(request.username);
  *password = std::move(request.password);
  if (cookie_session) *cookie_session = request.cookie_session;
  return true;
}

nlohmann::json SessionUserJson(UserId id, const std::string& name, bool is_admin) {
  return {{"id", id}, {"name", name}, {"is_admin", is_admin}};
}

// Never makes an administrator, even on an empty user table: those are
// made by `octopus user add --admin`, by another administrator
// (POST /admin/users), or by `serve` on an empty home
// (issue 15: the next anonymous registration after the last user went
// became the admin).
void Register(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  if (!state.config.open_registration) {
    return SendError(res, 403, "registration_closed",
                     "registration is closed on this server: ask its administrator for an "
                     "account");
  }
  std::string name, password;
  if (!ReadCredentials(req, res, &name, &password)) return;
  // Counted per client (behind a trusted front, the one it names), by the
  // same key as the connection cap: an IPv6 client holds a whole /64.
  const std::string client = ClientAddress(state.trusted_proxies, req);
  IpAddress address;
  const std::string key = IpAddress::Parse(client, &address) ? address.CapKey() : client;
  if (const auto wait = state.registrations.Admit(key); wait > 0) {
    spdlog::info("registration refused for {}: {} an hour", LogSafe(client, 64),
                 state.config.registrations_per_hour);
    res.set_header("Retry-After", std::to_string(wait));
    return SendError(
        res, 429, "too_many_requests",
        "too many registrations from this address; try again in " + std::to_string(wait) + " s");
  }
  auto created =
      state.library.CreateUser(name, password, state.config.registration_quota_bytes, false);
  if (!created.ok()) return SendStatus(res, created.status());
  spdlog::info("registered user {} from {}", created->name, LogSafe(client, 64));
  SendJson(res, 201, UserToJson(*created));
}

void Login(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  std::string name, password;
  bool cookie_session = false;
  if (!ReadCredentials(req, res, &name, &password, &cookie_session)) return;
  const std::string scheme = RequestScheme(state.tls, state.trusted_proxies, req);
  // Login CSRF: another site must not sign the browser in to an account of
  // its choosing. Bearer logins are left alone (a configured CORS origin
  // may log in from elsewhere; it gets a token, not this browser's cookie).
  if (cookie_session) {
    if (auto refused = CrossSiteRefusal(req, scheme)) return SendError(res, *refused);
  }
  // Behind a trusted front every login comes from its address: count the
  // client it names instead.
  const std::string client = ClientAddress(state.trusted_proxies, req);
  // Names are matched without regard to case: "ADMIN" and "admin" are one
  // account, and one count. Counted from here on: a wrong password keeps
  // the count, so concurrent guesses cannot share one free attempt.
  name = FoldUserName(name);
  if (const auto wait = state.throttle.Admit(name, client); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return SendError(res, 429, "too_many_requests",
                     "too many failed logins; try again in " + std::to_string(wait) + " s");
  }
  auto user = state.library.Authenticate(name, password);
  if (!user.ok()) {
    if (user.status().code() == Code::kUnauthenticated) {
      spdlog::info("failed login for {} from {}", LogSafe(name, 64), LogSafe(client, 64));
      return SendError(res, 401, "unauthenticated", "wrong user name or password");
    }
    return SendStatus(res, user.status());
  }
  state.throttle.RecordSuccess(name, client);
  JwtClaims claims;
  claims.sub = std::to_string(user->id);
  claims.iat = NowSeconds();
  claims.exp = claims.iat + state.config.token_ttl_seconds;
  claims.jti = RandomHex(16);
  if (Status s = state.library.AddSession(user->id, claims.jti, claims.exp); !s.ok()) {
    return SendStatus(res, s);
  }
  const std::string token = SignJwt(claims, state.config.secret_key);
  if (cookie_session) {
    // The token only in the HttpOnly cookie: script on the page, injected
    // or not, never holds it.
    res.set_header("Set-Cookie", SessionCookieHeader(token, state.config.token_ttl_seconds,
                                                     SecureCookies(state, req)));
    return SendJson(res, 200,
                    {{"user", SessionUserJson(user->id, user->name, user->is_admin)},
                     {"csrf_token", CsrfToken(state.config.secret_key, claims.jti)},
                     {"expires_at", claims.exp}});
  }
  SendJson(res, 200,
           {{"access_token", token},
            {"token_type", "bearer"},
            {"expires_in", state.config.token_ttl_seconds}});
}

}  // namespace

void AddAuthRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"POST", "/api/v1/auth/register", Access::kPublic,
             [s](const httplib::Request& req, httplib::Response& res, const Caller&) {
               Register(*s, req, res);
             },
             nullptr});
  table.Add({"POST", "/api/v1/auth/login", Access::kPublic,
             [s](const httplib::Request& req, httplib::Response& res, const Caller&) {
               Login(*s, req, res);
             },
             nullptr});
  table.Add({"POST", "/api/v1/auth/logout", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               if (Status st = s->library.RevokeSession(caller.jti); !st.ok()) {
                 return SendStatus(res, st);
               }
               if (caller.by_cookie) {
                 res.set_header("Set-Cookie", ClearedSessionCookieHeader(SecureCookies(*s, req)));
               }
               res.status = 204;
             },
             nullptr});
  // What a page asks on load: is it signed in, as whom, and its CSRF token
  // (which a reload lost).
  table.Add({"GET", "/api/v1/auth/session", Access::kUser,
             [s](const httplib::Request&, httplib::Response& res, const Caller& caller) {
               SendJson(res, 200,
                        {{"user",
                          SessionUserJson(caller.user.id, caller.user.name, caller.user.is_admin)},
                         {"csrf_token", CsrfToken(s->config.secret_key, caller.jti)}});
             },
             nullptr});
}

}  // namespace octopus::http
