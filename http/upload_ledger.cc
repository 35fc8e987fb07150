#include "http/upload_ledger.h"

namespace octopus::http {

std::optional<UploadLedger::Entry> UploadLedger::Begin(UserId user) {
  std::lock_guard lock(mu_);
  Account& account = accounts_[user];
  if (account.uploads >= max_per_user_) {
    if (account.uploads == 0) accounts_.erase(user);  // max_per_user_ <= 0
    return std::nullopt;
  }
  ++account.uploads;
  return Entry(this, user);
}

std::int64_t UploadLedger::Entry::Stage(std::int64_t bytes) {
  staged_ += bytes;
  std::lock_guard lock(ledger_->mu_);
  return ledger_->accounts_[user_].staged += bytes;
}

UploadLedger::Entry::~Entry() {
  if (ledger_ == nullptr) return;  // moved from
  std::lock_guard lock(ledger_->mu_);
  const auto it = ledger_->accounts_.find(user_);
  if (it == ledger_->accounts_.end()) return;
  it->second.staged -= staged_;
  if (--it->second.uploads <= 0) ledger_->accounts_.erase(it);
}

}  // namespace octopus::http
