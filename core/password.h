// Salted, memory-hard password hashes (Argon2id, libargon2). The encoded
// hash carries its own salt and parameters, so they can be raised later.
#pragma once

#include <string>

#include "core/status.h"

namespace octopus {

Result<std::string> HashPassword(const std::string& password);
// Constant-time in the password (libargon2 compares in constant time).
bool VerifyPassword(const std::string& password, const std::string& encoded_hash);

}  // namespace octopus
