#include "core/password.h"

#include <argon2.h>
#include <malloc.h>
#include <openssl/rand.h>

#include <array>
#include <thread>

#include "core/counting_gate.h"

namespace octopus {
namespace {
// OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane. The parameters
// are stored in the encoded hash, so raising them later keeps old hashes valid.
constexpr std::uint32_t kTimeCost = 2;
constexpr std::uint32_t kMemoryKiB = 19 * 1024;
constexpr std::uint32_t kLanes = 1;
constexpr std::size_t kSaltLen = 16;
constexpr std::size_t kHashLen = 32;

CountingGate& HashGate() {
  static CountingGate gate(static_cast<int>(std::thread::hardware_concurrency()));
  return gate;
}

// Runs one Argon2 computation inside the gate, its memory mapped afresh.
//
// glibc's mmap threshold is dynamic: the first 19 MiB hash is mmapped, but
// freeing it raises the threshold to that chunk's size (page-rounded), so
// every later hash is served from the calling thread's arena and stays
// there after free, at the top of a non-main arena where even malloc_trim
// does not reach it. Measured: 64 concurrent logins through the gate left
// 305 MB (16 arenas x 19 MiB). A fixed threshold (which also turns the
// dynamic one off) makes every allocation of 4 MiB or more an mmap that
// free hands straight back, for the whole process: the other allocations
// that large are image buffers, which gain the same.
constexpr int kMmapThresholdBytes = 4 << 20;

template <typename F>
int Bounded(F argon2) {
  static const bool threshold_fixed = mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) == 1;
  (void)threshold_fixed;
  CountingGate::Pass pass = HashGate().Enter();
  return argon2();
}

}  // namespace

int PasswordHashSlots() { return HashGate().slots(); }
int PasswordHashPeak() { return HashGate().peak(); }

Result<std::string> HashPassword(const std::string& password) {
  std::array<unsigned char, kSaltLen> salt{};
  if (RAND_bytes(salt.data(), salt.size()) != 1) return Status::Internal("no entropy for salt");
  const std::size_t len =
      argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(len, '\0');
  const int rc = Bounded([&] {
    return argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashLen, encoded.data(),
                                 encoded.size());
  });
  if (rc != ARGON2_OK) return Status::Internal(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(const std::string& password, const std::string& encoded_hash) {
  if (encoded_hash.rfind("$argon2id$", 0) != 0) return false;
  return Bounded([&] {
           return argon2id_verify(encoded_hash.c_str(), password.data(), password.size());
         }) == ARGON2_OK;
}

}  // namespace octopus
