#pragma once

#include <cstddef>
#include <string>

namespace octopus {

// `bytes` cryptographically random bytes (OpenSSL RAND_bytes), as lower-case
// hex. Aborts the process if the system has no entropy: nothing safe to do.
std::string RandomHex(std::size_t bytes);

// Lower-case hex of `data`.
std::string ToHex(const unsigned char* data, std::size_t size);

}  // namespace octopus
