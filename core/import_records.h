// The service behind the mount's import/ as a sync target: what it
// received, kept in the store (core/store/import_store.h).
#pragma once

#include <functional>
#include <string>

#include "core/store/connection_pool.h"
#include "core/store/import_store.h"

namespace octopus {

class ImportRecords {
 public:
  explicit ImportRecords(ConnectionPool& pool) : pool_(pool) {}

  Status Put(UserId owner, const ImportEntry& entry);
  Status SetMtime(UserId owner, const std::string& path, std::int64_t mtime);
  Status Remove(UserId owner, const std::string& path);
  Status Move(UserId owner, const std::string& from, const std::string& to);
  Status ForEach(UserId owner, const std::function<void(const ImportEntry&)>& visit);

 private:
  ConnectionPool& pool_;
};

}  // namespace octopus
