// Accounts as the library knows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/photo.h"

namespace octopus {

struct User {
  UserId id = 0;
  std::string name;
  bool is_admin = false;
  bool disabled = false;
  std::int64_t quota_bytes = 0;
  std::int64_t used_bytes = 0;  // sum of the sizes of the user's originals
  std::int64_t photo_count = 0;
  std::string created_at;  // ISO 8601 UTC
};

// What an administrator changes on an account (Library::ChangeUser); unset
// members stay as they are. The default initializers let a designated
// initializer name only what changes ({.disabled = true}) without GCC's
// -Wmissing-field-initializers.
struct UserChange {
  std::optional<std::int64_t> quota_bytes = std::nullopt;
  std::optional<bool> disabled = std::nullopt;
  std::optional<bool> is_admin = std::nullopt;
};

// Who an API session belongs to: what a request needs on every call. Quota
// and usage are not here; read them with GetUser when needed.
struct SessionIdentity {
  UserId id = 0;
  std::string name;
  bool is_admin = false;
};

}  // namespace octopus
