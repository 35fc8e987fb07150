// POST /auth/register, /auth/login, /auth/logout.
#include <spdlog/spdlog.h>

#include "core/photo_json.h"
#include "core/random.h"
#include "http/error_map.h"
#include "http/jwt.h"
#include "http/request_bodies.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

// Reads {"username": "...", "password": "..."}; sends the error when not.
bool ReadCredentials(const httplib::Request& req, httplib::Response& res, std::string* name,
                     std::string* password) {
  CredentialsRequest request;
  HttpError error;
  if (!ParseCredentialsRequest(req.body, &request, &error)) {
    SendError(res, error);
    return false;
  }
  *name = std::move(request.username);
  *password = std::move(request.password);
  return true;
}

void Register(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  std::string name, password;
  if (!ReadCredentials(req, res, &name, &password)) return;
  std::lock_guard lock(state.register_mu);
  auto users = state.library.ListUsers();
  if (!users.ok()) return SendStatus(res, users.status());
  const bool first = users->empty();
  if (!first && !state.config.open_registration) {
    return SendError(res, 403, "registration_closed", "registration is closed on this server");
  }
  auto created = state.library.CreateUser(name, password, -1, /*is_admin=*/first);
  if (!created.ok()) return SendStatus(res, created.status());
  spdlog::info("registered user {}{}", created->name, first ? " (administrator)" : "");
  SendJson(res, 201, UserToJson(*created));
}

void Login(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  std::string name, password;
  if (!ReadCredentials(req, res, &name, &password)) return;
  // Behind a trusted front every login comes from its address: count the
  // client it names instead.
  const std::string client = ClientAddress(state.trusted_proxies, req);
  // Counted from here on: a wrong password keeps the count, so concurrent
  // guesses cannot share one free attempt.
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
  SendJson(res, 200,
           {{"access_token", SignJwt(claims, state.config.secret_key)},
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
             [s](const httplib::Request&, httplib::Response& res, const Caller& caller) {
               if (Status st = s->library.RevokeSession(caller.jti); !st.ok()) {
                 return SendStatus(res, st);
               }
               res.status = 204;
             },
             nullptr});
}

}  // namespace octopus::http
