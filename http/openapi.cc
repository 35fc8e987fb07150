#include "http/openapi.h"

#include <string>
#include <vector>

namespace octopus::http {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json Error(const std::string& description) {
  return {{"description", description}, {"content", JsonContent(Ref("Error"))}};
}

json Ok(const std::string& description, const std::string& schema) {
  return {{"description", description}, {"content", JsonContent(Ref(schema))}};
}

json NoContent(const std::string& description) { return {{"description", description}}; }

json PathParam(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

json QueryParam(const std::string& name, const std::string& description,
                json schema = {{"type", "string"}}) {
  return {{"name", name}, {"in", "query"}, {"description", description}, {"schema", schema}};
}

json Header(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "header"},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

// An operation; `secured` adds the bearer requirement and its 401.
json Op(const std::string& operation_id, const std::string& summary, const std::string& tag,
        bool secured, json responses, json parameters = json::array(), json body = nullptr) {
  json op = {{"operationId", operation_id},
             {"summary", summary},
             {"tags", {tag}},
             {"responses", std::move(responses)}};
  if (secured) {
    op["security"] =
        json::array({{{"bearerAuth", json::array()}}, {{"cookieAuth", json::array()}}});
    op["responses"]["401"] = Error("Missing, invalid, expired or revoked token or session cookie");
  } else {
    op["security"] = json::array();
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  if (!body.is_null()) op["requestBody"] = std::move(body);
  return op;
}

json JsonBody(const json& schema) { return {{"required", true}, {"content", JsonContent(schema)}}; }

// What core/accounts.cc accepts as a new user's name and password: the one
// statement of the rule for register's Credentials and the admin's
// createUser.
json UserNameSchema() {
  return {{"type", "string"}, {"pattern", "^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$"}};
}
json NewPasswordSchema() { return {{"type", "string"}, {"minLength", 8}}; }
// A quota, in bytes or as a size with a unit, as createUser and updateUser take it.
json QuotaBytesSchema() { return {{"type", "integer"}, {"minimum", 0}}; }
json QuotaSizeSchema(const std::string& description = "") {
  json schema = {{"type", "string"}, {"examples", {"500M", "10G"}}};
  if (!description.empty()) schema["description"] = description;
  return schema;
}

json Schemas() {
  const json nullable_string = {{"type", json::array({"string", "null"})}};
  const json nullable_number = {{"type", json::array({"number", "null"})}};
  return {
      {"Error",
       {{"type", "object"},
        {"required", {"error"}},
        {"properties",
         {{"error",
           {{"type", "object"},
            {"required", {"code", "message"}},
            {"properties",
             {{"code",
               {{"type", "string"},
                {"examples",
                 {"bad_request", "unauthenticated", "forbidden", "not_found", "already_exists",
                  "failed_precondition", "too_large", "unsupported_media", "invalid_argument",
                  "too_many_requests", "quota_exceeded", "internal"}}}},
              {"message", {{"type", "string"}}}}}}}}}}},
      {"Credentials",
       {{"type", "object"},
        {"required", {"username", "password"}},
        {"properties", {{"username", UserNameSchema()}, {"password", NewPasswordSchema()}}}}},
      {"Login",
       {{"type", "object"},
        {"required", {"username", "password"}},
        {"properties",
         {{"username", {{"type", "string"}}},
          {"password", {{"type", "string"}}},
          {"session",
           {{"enum", {"bearer", "cookie"}},
            {"description",
             "`cookie`: a browser session, the token in the HttpOnly `octopus_session` "
             "cookie and not in the body; `bearer` (the default): a bearer token"}}}}}}},
      {"SessionUser",
       {{"type", "object"},
        {"required", {"id", "name", "is_admin"}},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"name", {{"type", "string"}}},
          {"is_admin", {{"type", "boolean"}}}}}}},
      {"BrowserSession",
       {{"type", "object"},
        {"required", {"user", "csrf_token"}},
        {"properties",
         {{"user", Ref("SessionUser")},
          {"csrf_token",
           {{"type", "string"},
            {"description",
             "Send as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE authenticated by "
             "the cookie"}}},
          {"expires_at",
           {{"type", "integer"},
            {"description", "When the session ends, in seconds since the epoch (login only)"}}}}}}},
      {"Token",
       {{"type", "object"},
        {"required", {"access_token", "token_type", "expires_in"}},
        {"properties",
         {{"access_token", {{"type", "string"}, {"description", "JWT, HS256"}}},
          {"token_type", {{"const", "bearer"}}},
          {"expires_in", {{"type", "integer"}, {"description", "seconds"}}}}}}},
      {"User",
       {{"type", "object"},
        {"properties",
         {{"username", {{"type", "string"}}},
          {"is_admin", {{"type", "boolean"}}},
          {"disabled", {{"type", "boolean"}}},
          {"quota_bytes", {{"type", "integer"}}},
          {"used_bytes", {{"type", "integer"}}},
          {"photo_count", {{"type", "integer"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"UserList",
       {{"type", "object"},
        {"properties", {{"users", {{"type", "array"}, {"items", Ref("User")}}}}}}},
      {"Photo",
       {{"type", "object"},
        {"description", "The same record as `octopus ls --json`."},
        {"properties",
         {{"id", {{"type", "string"}, {"pattern", "^[0-9a-f]{32}$"}}},
          {"filename", {{"type", "string"}}},
          {"mime", {{"type", "string"}}},
          {"size", {{"type", "integer"}}},
          {"sha256", {{"type", "string"}}},
          {"width", {{"type", "integer"}}},
          {"height", {{"type", "integer"}}},
          {"orientation", {{"type", "integer"}}},
          {"taken_at", nullable_string},
          {"taken_at_offset", nullable_string},
          {"taken_at_estimated", {{"type", "boolean"}}},
          {"camera",
           {{"type", "object"},
            {"properties", {{"make", nullable_string}, {"model", nullable_string}}}}},
          {"exif",
           {{"type", "object"},
            {"properties",
             {{"iso", {{"type", json::array({"integer", "null"})}}},
              {"exposure_time", nullable_number},
              {"f_number", nullable_number},
              {"focal_length_mm", nullable_number},
              {"lens", nullable_string}}}}},
          {"gps",
           {{"type", json::array({"object", "null"})},
            {"properties",
             {{"lat", {{"type", "number"}}},
              {"lon", {{"type", "number"}}},
              {"alt", nullable_number}}}}},
          {"place",
           {{"type", json::array({"object", "null"})},
            {"properties",
             {{"country", {{"type", "string"}}},
              {"country_code", {{"type", "string"}}},
              {"region", {{"type", "string"}}},
              {"city", {{"type", "string"}}}}}}},
          {"imported_at", {{"type", "string"}, {"format", "date-time"}}},
          {"trashed_at",
           {{"type", {"string", "null"}},
            {"format", "date-time"},
            {"description", "When it went to the trash; null while in the library"}}},
          {"duplicate",
           {{"type", "boolean"},
            {"description",
             "Only in upload answers: true when the photo was already stored."}}}}}}},
      {"PhotoPage",
       {{"type", "object"},
        {"properties",
         {{"photos", {{"type", "array"}, {"items", Ref("Photo")}}},
          {"next_cursor",
           {{"type", json::array({"string", "null"})},
            {"description", "Opaque; pass as `cursor` for the next page. Null on the last."}}}}}}},
      {"UploadResults",
       {{"type", "object"},
        {"description",
         "With several files: one entry per file, in order; the response status is theirs "
         "when they all agree, 207 when they differ."},
        {"properties",
         {{"results",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"status", {{"type", "integer"}}},
                {"result", {{"oneOf", json::array({Ref("Photo"), Ref("Error")})}}}}}}}}}}}}},
      {"Folder",
       {{"type", "object"},
        {"properties",
         {{"name", {{"type", "string"}}},
          {"count", {{"type", "integer"}, {"description", "photos in this folder and below"}}},
          {"view", {{"type", "string"}, {"description", "on the root only"}}},
          {"folders", {{"type", "array"}, {"items", Ref("Folder")}}}}}}},
      {"Health", {{"type", "object"}, {"properties", {{"status", {{"const", "ok"}}}}}}},
      {"Purged", {{"type", "object"}, {"properties", {{"purged", {{"type", "integer"}}}}}}},
  };
}

// POST /photos: `file` parts, each optionally after a `last_modified`.
json UploadBody() {
  const json files = {{"type", "array"},
                      {"items", {{"type", "string"}, {"contentMediaType", "image/jpeg"}}}};
  const json last_modified = {
      {"type", "array"},
      {"description",
       "Optional, one before each file it dates: the file's modification time, as "
       "milliseconds since 1970 (a browser's File.lastModified) or a time with its offset "
       "(2024-07-14T18:30:00Z). A photo without an EXIF date is dated by it "
       "(taken_at_estimated: true) instead of by the upload. Malformed: 400"},
      {"items",
       {{"type", "string"}, {"examples", {"1721000000000", "2024-07-14T18:30:00+02:00"}}}}};
  const json schema = {{"type", "object"},
                       {"required", {"file"}},
                       {"properties", {{"file", files}, {"last_modified", last_modified}}}};
  return {{"required", true}, {"content", {{"multipart/form-data", {{"schema", schema}}}}}};
}

}  // namespace

json OpenApiDocument() {
  const json photo_id = PathParam("id", "The photo's id (32 hex digits)");
  const json nullable_string = {{"type", json::array({"string", "null"})}};
  json paths;
  paths["/api/v1/auth/register"]["post"] =
      Op("register",
         "Create an account, never an administrator, with the registration quota (when "
         "OCTOPUS_OPEN_REGISTRATION is set)",
         "auth", false,
         {{"201", Ok("The new account", "User")},
          {"400", Error("Malformed JSON")},
          {"403", Error("Registration is closed (the default)")},
          {"409", Error("The name is taken, in any case")},
          {"422", Error("Name or password refused (passwords: at least 8 characters)")},
          {"429", Error("Too many registrations from this address; see Retry-After")}},
         json::array(), JsonBody(Ref("Credentials")));
  paths["/api/v1/auth/login"]["post"] =
      Op("login", "Log in: a bearer token, or with \"session\": \"cookie\" a browser session",
         "auth", false,
         {{"200",
           {{"description",
             "A bearer token; for a cookie login, the session (the token is only in the "
             "`octopus_session` cookie, HttpOnly, SameSite=Strict, Path=/, Secure under TLS)"},
            {"headers",
             {{"Set-Cookie",
               {{"description", "Cookie logins: `octopus_session=<token>; HttpOnly; ...`"},
                {"schema", {{"type", "string"}}}}}}},
            {"content", JsonContent({{"oneOf", {Ref("Token"), Ref("BrowserSession")}}})}}},
          {"400", Error("Malformed JSON")},
          {"401", Error("Wrong user name or password, or a disabled account")},
          {"403", Error("Cookie login from another site (Origin or Sec-Fetch-Site): `csrf`")},
          {"422", Error("`session` is neither `cookie` nor `bearer`")},
          {"429", Error("Too many failed logins for this user from this address, or from "
                        "this address in all; see Retry-After")}},
         json::array(), JsonBody(Ref("Login")));
  paths["/api/v1/auth/logout"]["post"] =
      Op("logout",
         "Revoke the token or session used for this request; a cookie session's cookie is "
         "cleared",
         "auth", true, {{"204", NoContent("Revoked")}});
  paths["/api/v1/auth/session"]["get"] =
      Op("getSession",
         "Who is signed in, and the session's CSRF token (what a page asks when it loads)", "auth",
         true, {{"200", Ok("The session", "BrowserSession")}});
  paths["/api/v1/users/me"]["get"] = Op("getCurrentUser", "The caller's account and usage", "users",
                                        true, {{"200", Ok("The account", "User")}});
  paths["/api/v1/users/me/password"]["patch"] =
      Op("changePassword", "Change the password; every other token of the account is revoked",
         "users", true,
         {{"204", NoContent("Changed")},
          {"400", Error("Malformed JSON")},
          {"403", Error("The current password is wrong")},
          {"422", Error("The new password is refused")},
          {"429", Error("Too many failed attempts")}},
         json::array(),
         JsonBody({{"type", "object"},
                   {"required", {"current_password", "new_password"}},
                   {"properties",
                    {{"current_password", {{"type", "string"}}},
                     {"new_password", {{"type", "string"}, {"minLength", 8}}}}}}));
  paths["/api/v1/admin/users"]["get"] =
      Op("listUsers", "Every account (administrators only)", "admin", true,
         {{"200", Ok("The accounts", "UserList")}, {"403", Error("Not an administrator")}});
  paths["/api/v1/admin/users"]["post"] =
      Op("createUser",
         "Create an account, an administrator if asked, whether or not registration is open "
         "(administrators only)",
         "admin", true,
         {{"201", Ok("The new account", "User")},
          {"400", Error("Malformed JSON, or username or password missing")},
          {"403", Error("Not an administrator, or a cookie session without its X-CSRF-Token")},
          {"409", Error("The name is taken, in any case")},
          {"422", Error("Name, password or size refused (passwords: at least 8 characters)")}},
         json::array(),
         JsonBody(
             {{"type", "object"},
              {"required", {"username", "password"}},
              {"properties",
               {{"username", UserNameSchema()},
                {"password", NewPasswordSchema()},
                {"quota_bytes", QuotaBytesSchema()},
                {"quota", QuotaSizeSchema("Instead of quota_bytes; absent: OCTOPUS_DEFAULT_QUOTA")},
                {"is_admin", {{"type", "boolean"}, {"default", false}}}}}}));
  paths["/api/v1/admin/users/{name}"]["patch"] =
      Op("updateUser",
         "Change an account's quota, disable or enable it, grant or take administration "
         "(administrators only); all or nothing",
         "admin", true,
         {{"200", Ok("The updated account", "User")},
          {"400", Error("Malformed JSON or nothing to change")},
          {"403", Error("Not an administrator")},
          {"404", Error("No such user")},
          {"409", Error("Would leave the server without an enabled administrator "
                        "(failed_precondition): make another one first")},
          {"422", Error("Refused (an administrator cannot disable themselves; bad size)")}},
         json::array({PathParam("name", "User name")}),
         JsonBody({{"type", "object"},
                   {"properties",
                    {{"quota_bytes", QuotaBytesSchema()},
                     {"quota", QuotaSizeSchema()},
                     {"disabled", {{"type", "boolean"}}},
                     {"is_admin", {{"type", "boolean"}}}}}}));
  paths["/api/v1/photos"]["post"] = Op(
      "uploadPhotos", "Upload photos (multipart, one or more `file` fields; JPEG or HEIC)",
      "photos", true,
      {{"201",
        {{"description", "Stored (one file: the photo record; several: UploadResults)"},
         {"content", JsonContent({{"oneOf", json::array({Ref("Photo"), Ref("UploadResults")})}})}}},
       {"200",
        {{"description", "Already stored: the existing record with \"duplicate\": true"},
         {"content", JsonContent(Ref("Photo"))}}},
       {"207", Ok("Several files with different outcomes", "UploadResults")},
       {"400", Error("Not multipart, malformed, no `file` field, or a malformed "
                     "`last_modified`")},
       {"413", Error("A file or the request is over the size limit")},
       {"415", Error("Not a JPEG or HEIC image")},
       {"429", Error("Too many uploads in flight for this user; see Retry-After")},
       {"507", Error("Over the account's quota (quota_exceeded; also as soon as what is staged "
                     "passes what the quota leaves), or the server's disk is full "
                     "(insufficient_storage)")}},
      json::array(), UploadBody());
  paths["/api/v1/photos"]["get"] = Op(
      "listPhotos", "List photos, newest first, a page at a time", "photos", true,
      {{"200", Ok("A page", "PhotoPage")},
       {"400", Error("A malformed parameter: limit, from, to or cursor")}},
      json::array(
          {QueryParam("from",
                      "Taken at or after: a date (2024-07-14) or a local time "
                      "(2024-07-14T18:30, 2024-07-14T18:30:05)"),
           QueryParam("to",
                      "Taken at or before, included: a date (the whole day) or a "
                      "local time"),
           QueryParam("camera", "\"<Make> <Model>\" as in /browse/cameras, any ASCII case"),
           QueryParam("country", "Country name, or ISO 3166-1 alpha-2 code (IT), any ASCII case"),
           QueryParam("region", "Region name, any ASCII case"),
           QueryParam("city", "City name, any ASCII case"),
           QueryParam("q", "Text in the file name, camera, lens or place, any ASCII case"),
           QueryParam("limit", "Page size (default 50, at most 200)",
                      {{"type", "integer"}, {"minimum", 1}}),
           QueryParam("cursor", "next_cursor of the previous page")}));
  paths["/api/v1/photos/{id}"]["get"] =
      Op("getPhoto", "One photo's record", "photos", true,
         {{"200", Ok("The record", "Photo")}, {"404", Error("No such photo of yours")}},
         json::array({photo_id}));
  paths["/api/v1/photos/{id}"]["patch"] = Op(
      "updatePhoto",
      "Rename a photo, or correct what its camera got wrong: capture time and place. The "
      "photo moves between the folders of /browse and of the mount",
      "photos", true,
      {{"200", Ok("The updated record", "Photo")},
       {"400", Error("Malformed JSON, or a member of the wrong type")},
       {"404", Error("No such photo of yours")},
       {"422", Error("Refused: a blank file name, a member the API does not know, a capture "
                     "time that is not a real date and time, an unknown country, nothing to "
                     "change")}},
      json::array({photo_id}),
      JsonBody(
          {{"type", "object"},
           {"minProperties", 1},
           {"additionalProperties", false},
           {"properties",
            {{"filename",
              {{"type", "string"},
               {"description", "The new name; not blank ('/' and control characters become '_')"},
               {"minLength", 1}}},
             {"taken_at",
              {{"type", "string"},
               {"description",
                "The capture time: local (2024-07-14T18:30:00; seconds and .fff optional), or "
                "with its offset (2024-07-14T18:30:00+02:00, or Z). Stored as taken_at and "
                "taken_at_offset (null for a local time); taken_at_estimated becomes false"},
               {"examples", {"2024-07-14T18:30:00+02:00", "2024-07-14T18:30:00"}}}},
             {"place",
              {{"type", json::array({"object", "null"})},
               {"description",
                "The place, or null for none. With a places index loaded, country (a name or "
                "ISO code, any ASCII case) must be one of its countries and is stored with its "
                "name and code; region and city are kept as given. Reindexing from GPS keeps "
                "a place set here"},
               {"required", {"country"}},
               {"additionalProperties", false},
               {"properties",
                {{"country", {{"type", "string"}, {"examples", {"Italy", "IT"}}}},
                 {"country_code", nullable_string},
                 {"region", nullable_string},
                 {"city", nullable_string}}}}}}}}));
  paths["/api/v1/photos/{id}"]["delete"] = Op(
      "deletePhoto",
      "Move a photo to the trash (restorable until purged; it still counts against the "
      "quota)",
      "photos", true,
      {{"204", NoContent("In the trash")}, {"404", Error("No such photo of yours in the library")}},
      json::array({photo_id}));
  paths["/api/v1/photos/{id}/restore"]["post"] =
      Op("restorePhoto", "Bring a photo back from the trash", "trash", true,
         {{"200", Ok("The restored record", "Photo")},
          {"404", Error("No such photo of yours in the trash")}},
         json::array({photo_id}));
  paths["/api/v1/trash"]["get"] =
      Op("listTrash", "The trash, most recently trashed first, a page at a time", "trash", true,
         {{"200", Ok("A page", "PhotoPage")}, {"400", Error("A malformed limit or cursor")}},
         json::array({QueryParam("limit", "Page size (default 50, at most 200)",
                                 {{"type", "integer"}, {"minimum", 1}}),
                      QueryParam("cursor", "next_cursor of the previous page")}));
  paths["/api/v1/trash"]["delete"] =
      Op("emptyTrash", "Empty the trash: purge every photo in it for good, freeing their quota",
         "trash", true, {{"200", Ok("How many were purged", "Purged")}});
  paths["/api/v1/trash/{id}"]["delete"] = Op(
      "purgeTrashedPhoto", "Purge one photo of the trash for good, freeing its quota", "trash",
      true, {{"204", NoContent("Purged")}, {"404", Error("No such photo of yours in the trash")}},
      json::array({photo_id}));
  paths["/api/v1/photos/{id}/original"]["get"] =
      Op("getPhotoOriginal",
         "The original file. ETag is the SHA-256 of the content; supports If-None-Match and a "
         "single byte Range",
         "photos", true,
         {{"200",
           {{"description", "The file, with Content-Disposition naming it"},
            {"content", {{"image/jpeg", json::object()}, {"image/heic", json::object()}}}}},
          {"206", NoContent("The requested range")},
          {"304", NoContent("Not modified")},
          {"404", Error("No such photo of yours")},
          {"416", Error("Range not satisfiable")}},
         json::array({photo_id}), nullptr);
  paths["/api/v1/photos/{id}/original"]["get"]["parameters"] =
      json::array({photo_id, Header("If-None-Match", "A previous ETag"),
                   Header("Range", "bytes=first-last"), Header("If-Range", "An ETag")});
  paths["/api/v1/photos/{id}/thumbnail"]["get"] = Op(
      "getPhotoThumbnail", "A JPEG thumbnail (long-lived Cache-Control, ETag)", "photos", true,
      {{"200", {{"description", "The thumbnail"}, {"content", {{"image/jpeg", json::object()}}}}},
       {"304", NoContent("Not modified")},
       {"400", Error("Bad size")},
       {"404", Error("No such photo of yours")}},
      json::array({photo_id,
                   QueryParam("size", "small (default) or preview",
                              {{"type", "string"}, {"enum", {"small", "preview"}}}),
                   Header("If-None-Match", "A previous ETag")}));
  for (const char* view : {"dates", "cameras", "places"}) {
    paths[std::string("/api/v1/browse/") + view]["get"] =
        Op(std::string("browse") + static_cast<char>(view[0] - 'a' + 'A') + (view + 1),
           std::string("The by-") + view +
               " folder tree with photo counts, as the mount shows it. The ETag changes "
               "with the user's photos: send it back in If-None-Match for a 304",
           "browse", true, {{"200", Ok("The tree", "Folder")}, {"304", NoContent("Not modified")}},
           json::array({Header("If-None-Match", "A previous ETag")}));
  }
  // Public pages take no body: sending one is their only client error.
  const json body_on_get = Error("A body was sent; this request takes none");
  const json html = {{"text/html", json::object()}};
  paths["/"]["get"] = Op(
      "getHomePage", "The web gallery (web/app/index.html); without it, the page of /about", "meta",
      false, {{"200", {{"description", "HTML"}, {"content", html}}}, {"400", body_on_get}});
  paths["/about"]["get"] = Op(
      "getAboutPage",
      "Links to the documentation and the API (the page at / without the "
      "web gallery)",
      "meta", false, {{"200", {{"description", "HTML"}, {"content", html}}}, {"400", body_on_get}});
  paths["/health"]["get"] = Op("getHealth", "Liveness", "meta", false,
                               {{"200", Ok("Alive", "Health")}, {"400", body_on_get}});
  paths["/api/v1/health"]["get"] =
      Op("getApiHealth", "Liveness, under the API's base path (the same as /health)", "meta", false,
         {{"200", Ok("Alive", "Health")}, {"400", body_on_get}});
  paths["/openapi.json"]["get"] =
      Op("getOpenApiDocument", "This document", "meta", false,
         {{"200",
           {{"description", "OpenAPI 3.1"}, {"content", {{"application/json", json::object()}}}}},
          {"400", body_on_get}});
  paths["/docs"]["get"] =
      Op("getDocs", "Interactive documentation (Swagger UI when installed); also at /docs/", "meta",
         false, {{"200", {{"description", "HTML"}, {"content", html}}}, {"400", body_on_get}});

  // Every secured change can meet the cookie's CSRF check.
  for (auto& [path, item] : paths.items()) {
    for (const char* method : {"post", "put", "patch", "delete"}) {
      if (!item.contains(method) || item[method]["security"].empty()) continue;
      json& op = item[method];
      const std::string csrf =
          "With the session cookie: a missing or wrong X-CSRF-Token, or a request from "
          "another site (`csrf`)";
      if (op["responses"].contains("403")) {
        std::string d = op["responses"]["403"]["description"];
        op["responses"]["403"]["description"] = d + "; or, with the session cookie, " + csrf;
      } else {
        op["responses"]["403"] = Error(csrf);
      }
      if (!op.contains("parameters")) op["parameters"] = json::array();
      op["parameters"].push_back(
          Header("X-CSRF-Token", "The session's csrf_token; required with the session cookie"));
    }
  }

  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Octopus Photos API"},
        {"version", "1.0.0"},
        {"license", {{"name", "MIT"}, {"identifier", "MIT"}}},
        {"description",
         "A self-hosted photo library. Log in for a bearer token (JWT) and send it as "
         "`Authorization: Bearer <token>`, or log in with `\"session\": \"cookie\"` for "
         "a browser session: the `octopus_session` cookie, with the session's CSRF token "
         "sent as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE. Every photo is private to "
         "its owner: another "
         "user's photo id is 404 for every verb. Errors have one shape: "
         "{\"error\": {\"code\", \"message\"}}."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", Schemas()},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
          {"cookieAuth",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "octopus_session"},
            {"description",
             "Set by a cookie login; ignored when an Authorization header is sent"}}}}}}},
  };
}

}  // namespace octopus::http
