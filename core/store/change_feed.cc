#include "core/store/change_feed.h"

#include <ctime>

namespace octopus {

Status ChangeFeed::Append(UserId owner, const std::string& photo_id, ChangeKind kind) {
  ASSIGN_OR_RETURN(auto next, db_.Prepare("UPDATE users SET change_seq = change_seq + 1 "
                                          "WHERE id = :owner RETURNING change_seq"));
  next.Bind(":owner", owner);
  ASSIGN_OR_RETURN(const bool row, next.Step());
  if (!row) return Status::NotFound("no such user");
  const std::int64_t seq = next.Int(0);
  RETURN_IF_ERROR(next.Run());
  ASSIGN_OR_RETURN(auto add, db_.Prepare("INSERT INTO changes (owner, seq, photo_id, kind, at) "
                                         "VALUES (:owner, :seq, :photo, :kind, :at)"));
  add.Bind(":owner", owner).Bind(":seq", seq).Bind(":photo", photo_id);
  add.Bind(":kind", static_cast<int>(kind))
      .Bind(":at", static_cast<std::int64_t>(std::time(nullptr)));
  RETURN_IF_ERROR(add.Run());
  // Pruning in steps keeps its cost per change constant: one range delete
  // every 1,024 entries.
  if (seq % 1024 == 0 && seq > keep_) return Prune(owner, seq);
  return Status::Ok();
}

Status ChangeFeed::Prune(UserId owner, std::int64_t head) {
  const std::int64_t horizon = head - keep_;
  ASSIGN_OR_RETURN(auto del,
                   db_.Prepare("DELETE FROM changes WHERE owner = :owner AND seq <= :horizon"));
  del.Bind(":owner", owner).Bind(":horizon", horizon);
  RETURN_IF_ERROR(del.Run());
  ASSIGN_OR_RETURN(auto mark, db_.Prepare("UPDATE users SET change_horizon = :horizon "
                                          "WHERE id = :owner AND change_horizon < :horizon"));
  mark.Bind(":owner", owner).Bind(":horizon", horizon);
  return mark.Run();
}

Result<FeedPosition> ChangeFeed::Position(UserId owner) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT change_seq, change_horizon FROM users "
                                          "WHERE id = :owner"));
  stmt.Bind(":owner", owner);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::NotFound("no such user");
  return FeedPosition{stmt.Int(0), stmt.Int(1)};
}

Result<ChangeBatch> ChangeFeed::Since(UserId owner, std::int64_t since, int limit) {
  ChangeBatch batch;
  ASSIGN_OR_RETURN(batch.position, Position(owner));
  // Past the head: the reader's position is from another feed (a user
  // removed and made again under the same id), so it knows nothing.
  if (since < batch.position.horizon || since > batch.position.head) {
    batch.behind = true;
    return batch;
  }
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT seq, photo_id, kind FROM changes "
                                          "WHERE owner = :owner AND seq > :since "
                                          "ORDER BY seq LIMIT :limit"));
  stmt.Bind(":owner", owner).Bind(":since", since).Bind(":limit", limit);
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    batch.changes.push_back({stmt.Int(0), stmt.Text(1), static_cast<ChangeKind>(stmt.Int(2))});
  }
  return batch;
}

}  // namespace octopus
