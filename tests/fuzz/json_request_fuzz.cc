// The JSON request bodies of the API, parsed into their request structs
// exactly as the routes do (http/request_bodies.h). Properties: no crash;
// a refusal is 400 or 422 with a message; an accepted body's struct, written
// back as JSON, parses to the same struct.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/request_bodies.h"

namespace {

using namespace octopus::http;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckRefusal(const HttpError& e) {
  Check((e.status == 400 || e.status == 422) && !e.code.empty() && !e.message.empty());
}

// The JSON text of `j`, as a client would send it (invalid UTF-8 replaced).
std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  HttpError error;

  CredentialsRequest credentials;
  if (ParseCredentialsRequest(body, &credentials, &error)) {
    CredentialsRequest again;
    const nlohmann::json j = {{"username", credentials.username},
                              {"password", credentials.password}};
    // Strings that are not UTF-8 cannot be written back as they are.
    if (Dump(j) == j.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore)) {
      Check(ParseCredentialsRequest(Dump(j), &again, &error));
      Check(again.username == credentials.username && again.password == credentials.password);
    }
  } else {
    CheckRefusal(error);
  }

  PasswordChangeRequest change;
  if (!ParsePasswordChangeRequest(body, &change, &error)) CheckRefusal(error);

  UserPatchRequest patch;
  if (ParseUserPatchRequest(body, &patch, &error)) {
    Check(patch.quota_bytes || patch.disabled);
    if (patch.quota_bytes) Check(*patch.quota_bytes >= 0);
    nlohmann::json j = nlohmann::json::object();
    if (patch.quota_bytes) j["quota_bytes"] = *patch.quota_bytes;
    if (patch.disabled) j["disabled"] = *patch.disabled;
    UserPatchRequest again;
    Check(ParseUserPatchRequest(j.dump(), &again, &error));
    Check(again.quota_bytes == patch.quota_bytes && again.disabled == patch.disabled);
  } else {
    CheckRefusal(error);
  }

  PhotoPatchRequest photo;
  if (ParsePhotoPatchRequest(body, &photo, &error)) {
    Check(photo.edit.filename || photo.edit.taken_at || photo.edit.place);
  } else {
    CheckRefusal(error);
  }
  return 0;
}
