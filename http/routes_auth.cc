// POST /auth/register, /auth/login, /auth/logout.
#include <spdlog/spdlog.h>

#include "core/photo_json.h"
#include "core/random.h"
#include "http/error_map.h"
#include "http/jwt.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

// Reads {"username": "...", "password": "..."}; sends 400 when absent.
bool ReadCredentials(const httplib::Request& req, httplib::Response& res, std::string* name,
                     std::string* password) {
  nlohmann::json body;
  if (!ParseJsonBody(req, res, &body)) return false;
  const auto u = body.find("username");
  const auto p = body.find("password");
  if (u == body.end() || !u->is_string() || p == body.end() || !p->is_string()) {
    SendError(res, 400, "bad_request", "expected {\"username\": string, \"password\": string}");
    return false;
  }
  *name = u->get<std::string>();
  *password = p->get<std::string>();
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
  if (const auto wait = state.throttle.RetryAfter(name, req.remote_addr); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return SendError(res, 429, "too_many_requests",
                     "too many failed logins; try again in " + std::to_string(wait) + " s");
  }
  auto user = state.library.Authenticate(name, password);
  if (!user.ok()) {
    if (user.status().code() == Code::kUnauthenticated) {
      state.throttle.RecordFailure(name, req.remote_addr);
      spdlog::info("failed login for {} from {}", LogSafe(name, 64), req.remote_addr);
      return SendError(res, 401, "unauthenticated", "wrong user name or password");
    }
    return SendStatus(res, user.status());
  }
  state.throttle.RecordSuccess(name);
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
