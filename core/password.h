// Salted, memory-hard password hashes (Argon2id, libargon2). The encoded
// hash carries its own salt and parameters, so they can be raised later.
#pragma once

#include <string>

#include "core/status.h"

namespace octopus {

Result<std::string> HashPassword(const std::string& password);
// Constant-time in the password (libargon2 compares in constant time).
bool VerifyPassword(const std::string& password, const std::string& encoded_hash);

// Hashing is bounded: each hash holds 19 MiB, so at most this many (the
// cores) run at once and the others wait; and the first hash fixes glibc's
// mmap threshold at 4 MiB for the process, so that the hash memory is
// mapped and unmapped each time rather than kept in per-thread arenas
// (issue 15: 64 concurrent logins took 1.57 GB and left 938 MB).
int PasswordHashSlots();
// The most hashes that have run at once in this process (for tests).
int PasswordHashPeak();

}  // namespace octopus
