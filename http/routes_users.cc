// GET /users/me, PATCH /users/me/password, and the admin's user routes.
#include <spdlog/spdlog.h>

#include "core/photo_json.h"
#include "http/error_map.h"
#include "http/request_bodies.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

void ChangePassword(ServerState& state, const httplib::Request& req, httplib::Response& res,
                    const Caller& caller) {
  PasswordChangeRequest request;
  HttpError error;
  if (!ParsePasswordChangeRequest(req.body, &request, &error)) return SendError(res, error);
  const std::string& name = caller.user.name;
  // The same throttle as logins: a stolen token must not be a way to guess
  // the password faster.
  const std::string client = ClientAddress(state.trusted_proxies, req);
  if (const auto wait = state.throttle.Admit(name, client); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return SendError(res, 429, "too_many_requests", "too many failed attempts");
  }
  auto checked = state.library.Authenticate(name, request.current_password);
  if (!checked.ok()) {
    if (checked.status().code() != Code::kUnauthenticated) return SendStatus(res, checked.status());
    return SendError(res, 403, "forbidden", "the current password is wrong");
  }
  state.throttle.RecordSuccess(name, client);
  if (Status s = state.library.SetPassword(name, request.new_password); !s.ok()) {
    return SendStatus(res, s);
  }
  // Whoever else held a token for this account loses it; this one stays.
  if (Status s = state.library.RevokeOtherSessions(caller.user.id, caller.jti); !s.ok()) {
    return SendStatus(res, s);
  }
  spdlog::info("user {} changed their password", name);
  res.status = 204;
}

void PatchUser(ServerState& state, const httplib::Request& req, httplib::Response& res,
               const Caller& caller) {
  const std::string name = PathParam(req, 0);
  UserPatchRequest request;
  HttpError error;
  if (!ParseUserPatchRequest(req.body, &request, &error)) return SendError(res, error);
  auto user = state.library.FindUser(name);
  if (!user.ok()) return SendStatus(res, user.status());
  if (request.disabled && *request.disabled && user->id == caller.user.id) {
    return SendError(res, 422, "invalid_argument", "administrators cannot disable themselves");
  }
  // One transaction: a refusal (the last administrator) changes nothing.
  auto updated = state.library.ChangeUser(name, {.quota_bytes = request.quota_bytes,
                                                 .disabled = request.disabled,
                                                 .is_admin = request.is_admin});
  if (!updated.ok()) return SendStatus(res, updated.status());
  spdlog::info("admin {} changed user {}", caller.user.name, updated->name);
  SendJson(res, 200, UserToJson(*updated));
}

// Open registration or not: this is how an administrator makes accounts
// without a shell on the server.
void CreateUser(ServerState& state, const httplib::Request& req, httplib::Response& res,
                const Caller& caller) {
  UserCreateRequest request;
  HttpError error;
  if (!ParseUserCreateRequest(req.body, &request, &error)) return SendError(res, error);
  auto created = state.library.CreateUser(request.name, request.password,
                                          request.quota_bytes.value_or(-1), request.is_admin);
  if (!created.ok()) return SendStatus(res, created.status());
  spdlog::info("admin {} created {} {}", caller.user.name,
               created->is_admin ? "administrator" : "user", created->name);
  SendJson(res, 201, UserToJson(*created));
}

}  // namespace

void AddUserRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"GET", "/api/v1/users/me", Access::kUser,
             [s](const httplib::Request&, httplib::Response& res, const Caller& caller) {
               // Re-read: the caller's record was loaded before any change
               // this request could see, but usage moves with uploads.
               auto user = s->library.GetUser(caller.user.id);
               if (!user.ok()) return SendStatus(res, user.status());
               SendJson(res, 200, UserToJson(*user));
             },
             nullptr});
  table.Add({"PATCH", "/api/v1/users/me/password", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               ChangePassword(*s, req, res, caller);
             },
             nullptr});
  table.Add({"GET", "/api/v1/admin/users", Access::kAdmin,
             [s](const httplib::Request&, httplib::Response& res, const Caller&) {
               auto users = s->library.ListUsers();
               if (!users.ok()) return SendStatus(res, users.status());
               nlohmann::json list = nlohmann::json::array();
               for (const User& u : *users) list.push_back(UserToJson(u));
               SendJson(res, 200, {{"users", std::move(list)}});
             },
             nullptr});
  table.Add({"POST", "/api/v1/admin/users", Access::kAdmin,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               CreateUser(*s, req, res, caller);
             },
             nullptr});
  table.Add({"PATCH", "/api/v1/admin/users/{name}", Access::kAdmin,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               PatchUser(*s, req, res, caller);
             },
             nullptr});
}

}  // namespace octopus::http
