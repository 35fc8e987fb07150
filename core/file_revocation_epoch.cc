#include "core/file_revocation_epoch.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace octopus {
namespace {

// Layout of the file: begun at 0, ended at 8; the rest reserved.
constexpr std::size_t kFileBytes = 4096;
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free,
              "the counters are shared between processes: they must be lock-free");

std::uint64_t Load(std::uint64_t* p) {
  return std::atomic_ref<std::uint64_t>(*p).load(std::memory_order_seq_cst);
}
void Increment(std::uint64_t* p) {
  std::atomic_ref<std::uint64_t>(*p).fetch_add(1, std::memory_order_seq_cst);
}

Result<UniqueFd> OpenFile(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return Status::IoError("cannot open " + file.string(), errno);
  return fd;
}

Status Flock(int fd, int op) {
  int r;
  do {
    r = ::flock(fd, op);
  } while (r != 0 && errno == EINTR);
  if (r != 0) return Status::IoError("cannot lock the revocation epoch", errno);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FileRevocationEpoch>> FileRevocationEpoch::Open(
    const std::filesystem::path& file) {
  auto fd = OpenFile(file);
  if (!fd.ok()) return fd.status();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return Status::IoError("cannot stat " + file.string(), errno);
  // Growing with zeros is harmless when two processes race to create it: both
  // see zero counters, and no write has happened yet.
  if (st.st_size < static_cast<off_t>(kFileBytes) && ::ftruncate(fd->get(), kFileBytes) != 0) {
    return Status::IoError("cannot size " + file.string(), errno);
  }
  void* map = ::mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd->get(), 0);
  if (map == MAP_FAILED) return Status::IoError("cannot map " + file.string(), errno);
  return std::unique_ptr<FileRevocationEpoch>(
      new FileRevocationEpoch(file, std::move(fd).value(), map));
}

FileRevocationEpoch::FileRevocationEpoch(std::filesystem::path file, UniqueFd fd, void* map)
    : file_(std::move(file)), fd_(std::move(fd)), map_(map) {}

FileRevocationEpoch::~FileRevocationEpoch() { ::munmap(map_, kFileBytes); }

std::uint64_t* FileRevocationEpoch::begun() const { return static_cast<std::uint64_t*>(map_); }
std::uint64_t* FileRevocationEpoch::ended() const { return static_cast<std::uint64_t*>(map_) + 1; }

std::optional<std::uint64_t> FileRevocationEpoch::Stable() const {
  // `ended` first: a writer moves `begun` before `ended`, so equal values read
  // in this order mean no writer was between its increments at the first read.
  const std::uint64_t e = Load(ended());
  const std::uint64_t b = Load(begun());
  if (b != e) return std::nullopt;
  return b;
}

Result<FileRevocationEpoch::Write> FileRevocationEpoch::BeginWrite() {
  auto fd = OpenFile(file_);
  if (!fd.ok()) return fd.status();
  if (Status s = Flock(fd->get(), LOCK_SH); !s.ok()) return s;
  Increment(begun());
  return Write(this, std::move(fd).value());
}

FileRevocationEpoch::Write::~Write() {
  if (!lock_) return;  // moved from
  Increment(epoch_->ended());
  lock_ = UniqueFd();  // closing the descriptor releases the flock
  // Mends an earlier writer's crash as soon as the next revocation ends.
  (void)epoch_->TryRepair();
}

Status FileRevocationEpoch::RunRevoking(ConnectionPool& pool, const TransactionBody& body) {
  ASSIGN_OR_RETURN(const Write revoking, BeginWrite());
  return RunInTransaction(pool, body);
}

Status FileRevocationEpoch::RunRevoking(db::Database& db, const TransactionBody& body) {
  ASSIGN_OR_RETURN(const Write revoking, BeginWrite());
  return RunInTransaction(db, body);
}

bool FileRevocationEpoch::TryRepair() {
  if (Stable()) return true;
  auto fd = OpenFile(file_);
  if (!fd.ok()) return false;
  if (!Flock(fd->get(), LOCK_EX | LOCK_NB).ok()) return false;  // a writer is in flight
  // No writer is between its increments: every one that began has ended or
  // died, and its database write is committed or rolled back.
  std::atomic_ref<std::uint64_t>(*ended()).store(Load(begun()), std::memory_order_seq_cst);
  return true;
}

}  // namespace octopus
