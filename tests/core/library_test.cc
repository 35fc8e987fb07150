// The library against a real database (SQLite, and PostgreSQL for each
// LIBRARY_TEST) and a real blob store in a temporary home: users, ingest,
// dedupe, quota (also across processes), ownership, deletion, listing; on
// PostgreSQL alone, a server restart in the middle.
#include "core/library.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "core/file_util.h"
#include "core/grouping.h"
#include "core/trash_sweeper.h"
#include "tests/testing/library_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::MakeJpeg;
using testing::TempDir;
using testing::WriteFile;

class LibraryTest : public testing::TwoUserLibraryTest {
 protected:
  // Writes a generated JPEG to the scratch folder and returns its path.
  std::filesystem::path Jpeg(const std::string& name, int seed, int w = 320, int h = 240) {
    const auto path = home_ / name;
    WriteFile(path, MakeJpeg(w, h, seed));
    return path;
  }

  Result<IngestResult> Import(UserId owner, const std::filesystem::path& path) {
    IngestRequest req;
    req.source = path;
    req.filename = path.filename().string();
    return lib_->Ingest(owner, req);
  }
};

LIBRARY_TEST(LibraryTest, IngestStoresOriginalThumbnailsAndCharges) {
  const auto src = Jpeg("a.jpg", 1, 2000, 1000);
  auto r = Import(alice_, src);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->outcome, IngestOutcome::kImported);
  const Photo& p = r->photo;
  EXPECT_EQ(p.id.size(), 32u);
  EXPECT_EQ(p.filename, "a.jpg");
  EXPECT_EQ(p.meta.mime, "image/jpeg");
  EXPECT_EQ(p.meta.width, 2000);
  EXPECT_EQ(p.meta.height, 1000);
  EXPECT_TRUE(p.meta.taken_at_estimated);  // no EXIF: the file's mtime
  EXPECT_EQ(testing::ReadFile(lib_->OriginalPath(p)), testing::ReadFile(src));
  EXPECT_TRUE(std::filesystem::exists(lib_->ThumbnailPath(p, ThumbnailSize::kSmall)));
  EXPECT_TRUE(std::filesystem::exists(lib_->ThumbnailPath(p, ThumbnailSize::kPreview)));
  auto user = lib_->GetUser(alice_);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->used_bytes, p.size);
  EXPECT_EQ(user->photo_count, 1);
  EXPECT_EQ(p.size, static_cast<std::int64_t>(std::filesystem::file_size(src)));
}

LIBRARY_TEST(LibraryTest, SameBytesTwiceAreStoredAndChargedOnce) {
  const auto src = Jpeg("a.jpg", 2);
  auto first = Import(alice_, src);
  ASSERT_TRUE(first.ok());
  const auto copy = home_ / "copy-with-other-name.jpg";
  std::filesystem::copy_file(src, copy);
  auto second = Import(alice_, copy);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->outcome, IngestOutcome::kDuplicate);
  EXPECT_EQ(second->photo.id, first->photo.id);
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, first->photo.size);
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, 1);
  // Another user importing the same bytes gets their own copy.
  auto bobs = Import(bob_, src);
  ASSERT_TRUE(bobs.ok());
  EXPECT_EQ(bobs->outcome, IngestOutcome::kImported);
  EXPECT_NE(bobs->photo.id, first->photo.id);
}

LIBRARY_TEST(LibraryTest, RefusesNonImagesAndStoresNothing) {
  const auto txt = home_ / "notes.jpg";
  WriteFile(txt, "this is a text file, not a photo\n");
  auto r = Import(alice_, txt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  EXPECT_NE(r.status().message().find("not a supported image"), std::string::npos);
  const auto empty = home_ / "empty.jpg";
  WriteFile(empty, "");
  EXPECT_EQ(Import(alice_, empty).status().code(), Code::kUnsupportedMedia);
  const auto truncated = home_ / "truncated.jpg";
  WriteFile(truncated, MakeJpeg(640, 480, 3).substr(0, 200));
  EXPECT_EQ(Import(alice_, truncated).status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, 0);
  EXPECT_TRUE(lib_->AllPhotos(alice_)->empty());
  EXPECT_TRUE(lib_->Fsck(false)->clean());
}

LIBRARY_TEST(LibraryTest, QuotaAtTheBoundary) {
  const auto a = Jpeg("a.jpg", 10);
  const auto b = Jpeg("b.jpg", 11);
  const auto size_a = static_cast<std::int64_t>(std::filesystem::file_size(a));
  const auto size_b = static_cast<std::int64_t>(std::filesystem::file_size(b));
  // Room for exactly a + b: both fit, to the byte.
  ASSERT_TRUE(lib_->SetQuota("alice", size_a + size_b).ok());
  ASSERT_TRUE(Import(alice_, a).ok());
  ASSERT_TRUE(Import(alice_, b).ok());
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, size_a + size_b);
  // One byte more does not.
  const auto c = Jpeg("c.jpg", 12, 16, 16);
  auto r = Import(alice_, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kQuotaExceeded);
  EXPECT_NE(r.status().message().find("quota exceeded: needs"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, 2);
  EXPECT_EQ(lib_->CheckQuota(alice_, 1).code(), Code::kQuotaExceeded);
  EXPECT_TRUE(lib_->CheckQuota(alice_, 0).ok());
  EXPECT_TRUE(lib_->Fsck(false)->clean());
}

// A quota lowered below the usage: the refusal says by how much the user
// is over, not "needs 1 B, 0 B of 8 MB free".
LIBRARY_TEST(LibraryTest, QuotaErrorOfAUserAlreadyOverSaysByHowMuch) {
  const auto a = Jpeg("a.jpg", 10);
  ASSERT_TRUE(Import(alice_, a).ok());
  const auto used = lib_->GetUser(alice_)->used_bytes;
  ASSERT_GT(used, 2000);
  ASSERT_TRUE(lib_->SetQuota("alice", used - 1500).ok());
  const Status early = lib_->CheckQuota(alice_, 1);
  EXPECT_EQ(early.code(), Code::kQuotaExceeded);
  const std::string want = "quota exceeded: " + FormatSize(used) +
                           " used, 1.5 kB over the quota of " + FormatSize(used - 1500);
  EXPECT_EQ(early.message().rfind(want, 0), 0u) << early.message();
  auto r = Import(alice_, Jpeg("b.jpg", 11));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(want, 0), 0u) << r.status().message();
  EXPECT_EQ(r.status().message().find("needs"), std::string::npos) << r.status().message();
}

LIBRARY_TEST(LibraryTest, TwoProcessesImportingAtOnceNeverExceedTheQuota) {
  constexpr int kPerProcess = 12;
  std::vector<std::filesystem::path> files[2];
  std::int64_t one = 0;
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < kPerProcess; ++i) {
      files[p].push_back(Jpeg('p' + std::to_string(p) + "-" + std::to_string(i) + ".jpg",
                              100 + p * 1000 + i, 64, 64));
      one = std::max<std::int64_t>(one, std::filesystem::file_size(files[p].back()));
    }
  }
  // Room for about half of the 24 photos.
  const std::int64_t quota = one * kPerProcess;
  ASSERT_TRUE(lib_->SetQuota("alice", quota).ok());
  pid_t children[2];
  for (int p = 0; p < 2; ++p) {
    children[p] = fork();
    ASSERT_GE(children[p], 0);
    if (children[p] == 0) {
      // A separate process with its own connection to the same home.
      auto lib = Library::Open(config_);
      if (!lib.ok()) _exit(10);
      for (const auto& f : files[p]) {
        IngestRequest req;
        req.source = f;
        auto r = (*lib)->Ingest(alice_, req);
        if (!r.ok() && r.status().code() != Code::kQuotaExceeded) _exit(11);
      }
      _exit(0);
    }
  }
  for (pid_t c : children) {
    int status = 0;
    waitpid(c, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto user = lib_->GetUser(alice_);
  ASSERT_TRUE(user.ok());
  EXPECT_LE(user->used_bytes, quota);
  EXPECT_GT(user->photo_count, 0);
  EXPECT_LT(user->photo_count, 2 * kPerProcess);
  std::int64_t sum = 0;
  auto all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  for (const Photo& p : *all) sum += p.size;
  EXPECT_EQ(sum, user->used_bytes);
  auto report = lib_->Fsck(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean()) << report->problems.front();
}

LIBRARY_TEST(LibraryTest, OwnershipIsEnforcedForEveryOperation) {
  auto r = Import(alice_, Jpeg("mine.jpg", 20));
  ASSERT_TRUE(r.ok());
  const std::string id = r->photo.id;
  EXPECT_EQ(lib_->GetPhoto(bob_, id).status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->DeletePhoto(bob_, id).code(), Code::kNotFound);
  EXPECT_EQ(lib_->RenamePhoto(bob_, id, "x.jpg").status().code(), Code::kNotFound);
  EXPECT_TRUE(lib_->AllPhotos(bob_)->empty());
  EXPECT_TRUE(lib_->ListPhotos(bob_, PhotoQuery{})->photos.empty());
  // Still there for its owner.
  EXPECT_TRUE(lib_->GetPhoto(alice_, id).ok());
}

LIBRARY_TEST(LibraryTest, DeleteMovesToTheTrashAndPurgeRemovesBlobsAndFreesQuota) {
  auto r = Import(alice_, Jpeg("gone.jpg", 30));
  ASSERT_TRUE(r.ok());
  const Photo p = r->photo;
  const auto head = lib_->ChangeFeedPosition(alice_)->head;
  ASSERT_TRUE(lib_->DeletePhoto(alice_, p.id).ok());
  // In the trash: out of listings, still stored and counted (like Immich).
  EXPECT_TRUE(lib_->ListPhotos(alice_, PhotoQuery{})->photos.empty());
  ASSERT_EQ(lib_->ListTrash(alice_, 10, "")->photos.size(), 1u);
  EXPECT_TRUE(lib_->GetPhoto(alice_, p.id)->trashed_at.has_value());
  EXPECT_TRUE(std::filesystem::exists(lib_->OriginalPath(p)));
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, p.size);
  EXPECT_EQ(lib_->DeletePhoto(alice_, p.id).code(), Code::kNotFound) << "trashed already";
  EXPECT_EQ(lib_->PurgePhoto(bob_, p.id).code(), Code::kNotFound) << "not bob's";

  ASSERT_TRUE(lib_->PurgePhoto(alice_, p.id).ok());
  auto feed = lib_->ChangesSince(alice_, head, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->changes.size(), 2u);
  EXPECT_EQ(feed->changes[0].photo_id, p.id);
  EXPECT_EQ(feed->changes[0].kind, ChangeKind::kTrashed);
  EXPECT_EQ(feed->changes[1].kind, ChangeKind::kRemoved);
  EXPECT_FALSE(std::filesystem::exists(lib_->OriginalPath(p)));
  EXPECT_FALSE(std::filesystem::exists(lib_->ThumbnailPath(p, ThumbnailSize::kSmall)));
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, 0);
  EXPECT_EQ(lib_->GetPhoto(alice_, p.id).status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->PurgePhoto(alice_, p.id).code(), Code::kNotFound);
}

LIBRARY_TEST(LibraryTest, PurgeTakesOnlyFromTheTrashAndRestoreBringsBack) {
  auto r = Import(alice_, Jpeg("kept.jpg", 31));
  ASSERT_TRUE(r.ok());
  const std::string id = r->photo.id;
  EXPECT_EQ(lib_->PurgePhoto(alice_, id).code(), Code::kNotFound) << "never one step away";
  ASSERT_TRUE(lib_->DeletePhoto(alice_, id).ok());
  auto restored = lib_->RestorePhoto(alice_, id);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_FALSE(restored->trashed_at.has_value());
  EXPECT_EQ(lib_->ListPhotos(alice_, PhotoQuery{})->photos.size(), 1u);
  EXPECT_EQ(lib_->RestorePhoto(alice_, id).status().code(), Code::kNotFound) << "not trashed";
  // Importing bytes that are in the trash brings that photo back.
  ASSERT_TRUE(lib_->DeletePhoto(alice_, id).ok());
  auto again = Import(alice_, Jpeg("kept.jpg", 31));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, IngestOutcome::kRestored);
  EXPECT_EQ(again->photo.id, id);
  EXPECT_TRUE(lib_->ListTrash(alice_, 10, "")->photos.empty());
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, 1);
}

LIBRARY_TEST(LibraryTest, EmptyingTheTrashAndTheRetentionTime) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = Import(alice_, Jpeg("t" + std::to_string(i) + ".jpg", 50 + i));
    ASSERT_TRUE(r.ok());
    ids.push_back(r->photo.id);
  }
  for (const auto& id : ids) ASSERT_TRUE(lib_->DeletePhoto(alice_, id).ok());
  // Just trashed, and a day short of the retention time (30 days by
  // default): nothing goes.
  using std::chrono::hours;
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(lib_->PurgeExpiredTrash().ok());
  EXPECT_EQ(*lib_->PurgeExpiredTrash(), 0);
  EXPECT_EQ(*lib_->PurgeExpiredTrash(now + hours(29 * 24)), 0);
  EXPECT_EQ(lib_->ListTrash(alice_, 10, "")->photos.size(), 3u);
  // Restored, one photo leaves the trash and is never purged by age.
  ASSERT_TRUE(lib_->RestorePhoto(alice_, ids[2]).ok());
  // A day past it, the sweeper (a clock of its own, its first sweep at
  // once) purges the two left, and only those; their quota is freed.
  const std::int64_t kept_bytes = lib_->GetPhoto(alice_, ids[2])->size;
  {
    TrashSweeper sweeper(*lib_, std::chrono::hours(1), [now] { return now + hours(31 * 24); });
    ASSERT_TRUE(
        testing::PollUntil([&] { return lib_->ListTrash(alice_, 10, "")->photos.empty(); }, 30));
  }
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, 1);
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, kept_bytes);
  EXPECT_TRUE(lib_->GetPhoto(alice_, ids[2]).ok());
  EXPECT_FALSE(lib_->GetPhoto(alice_, ids[0]).ok());
  ASSERT_TRUE(lib_->DeletePhoto(alice_, ids[2]).ok());
  EXPECT_EQ(*lib_->EmptyTrash(bob_), 0);
  EXPECT_EQ(*lib_->EmptyTrash(alice_), 1);
  EXPECT_EQ(lib_->GetUser(alice_)->used_bytes, 0);
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, 0);
}

// Regression: a purge racing an import of the same bytes could unlink the
// blobs the import had just written (leaving a row without its original),
// or a failed import could unlink the blobs of a row committed meanwhile.
// After every round, whatever rows exist have all their blobs, and no blob
// is left that no row names.
LIBRARY_TEST(LibraryTest, PurgeRacingAReimportOfTheSameBytesLosesNothing) {
  const auto path = Jpeg("same.jpg", 41, 64, 48);
  for (int round = 0; round < 60; ++round) {
    auto first = Import(alice_, path);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    std::thread remover([&] { (void)DeleteForGood(alice_, first->photo.id); });
    auto again = Import(alice_, path);
    remover.join();
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    auto report = lib_->Fsck(false);
    ASSERT_TRUE(report.ok());
    for (const auto& p : report->problems) ADD_FAILURE() << "round " << round << ": " << p;
    if (!report->clean()) break;
    auto photos = lib_->AllPhotos(alice_);
    ASSERT_TRUE(photos.ok());
    for (const auto& p : *photos) {
      if (!p.trashed_at) {
        ASSERT_TRUE(lib_->DeletePhoto(alice_, p.id).ok());
      }
      ASSERT_TRUE(lib_->PurgePhoto(alice_, p.id).ok());
    }
  }
}

LIBRARY_TEST(LibraryTest, RenameSanitizesHostileNames) {
  auto r = Import(alice_, Jpeg("plain.jpg", 40));
  ASSERT_TRUE(r.ok());
  auto renamed = lib_->RenamePhoto(alice_, r->photo.id, std::string("../../etc/pass\0wd", 17));
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->filename.find('/'), std::string::npos);
  EXPECT_EQ(renamed->filename.find('\0'), std::string::npos);
  EXPECT_EQ(renamed->filename, ".._.._etc_pass_wd");
}

// Issue 16, item 11: a user corrects what the camera got wrong. A photo
// without EXIF sits in by-date/unknown; given its capture time and place it
// moves to their folders, with one feed entry, so that mounts and /browse
// follow; the listing's filters and text search find it by them.
LIBRARY_TEST(LibraryTest, CorrectingTimeAndPlaceMovesThePhotoBetweenFolders) {
  auto r = Import(alice_, Jpeg("scan.jpg", 45));
  ASSERT_TRUE(r.ok());
  const std::string id = r->photo.id;
  ASSERT_TRUE(r->photo.meta.taken_at_estimated);
  const auto dates = [&] { return lib_->Folders(alice_, View::kDate).value(); };
  const auto places = [&] { return lib_->Folders(alice_, View::kPlace).value(); };
  EXPECT_EQ(dates().children.count("unknown"), 1u);
  EXPECT_EQ(places().count, 0);
  const auto head = lib_->ChangeFeedPosition(alice_)->head;

  PhotoEdit edit;
  edit.taken_at = "2024-07-14T18:30:00+02:00";
  edit.place = std::optional<Place>(Place{"Italy", "it", "Lazio", "Rome"});
  auto corrected = lib_->CorrectPhoto(alice_, id, edit);
  ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
  EXPECT_EQ(corrected->meta.taken_at, "2024-07-14T18:30:00");
  EXPECT_EQ(corrected->meta.taken_at_offset, "+02:00");
  EXPECT_FALSE(corrected->meta.taken_at_estimated);
  EXPECT_EQ(corrected->place, (Place{"Italy", "IT", "Lazio", "Rome"}));
  EXPECT_EQ(corrected->filename, "scan.jpg");
  // What is stored, not only what was answered.
  auto stored = lib_->GetPhoto(alice_, id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->meta.taken_at, "2024-07-14T18:30:00");
  EXPECT_EQ(stored->meta.taken_at_offset, "+02:00");
  EXPECT_FALSE(stored->meta.taken_at_estimated);
  EXPECT_EQ(stored->place, corrected->place);

  const FolderNode by_date = dates();
  EXPECT_EQ(by_date.children.count("unknown"), 0u);
  EXPECT_EQ(by_date.children.at("2024").children.at("2024-07").children.at("2024-07-14").count, 1);
  EXPECT_EQ(places().children.at("Italy").children.at("Lazio").children.at("Rome").count, 1);
  auto feed = lib_->ChangesSince(alice_, head, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->changes.size(), 1u) << "one edit, one entry";
  EXPECT_EQ(feed->changes[0].photo_id, id);
  EXPECT_EQ(feed->changes[0].kind, ChangeKind::kUpdated);

  PhotoQuery q;
  q.from = q.to = "2024-07-14";
  q.city = "rome";
  EXPECT_EQ(lib_->ListPhotos(alice_, q)->photos.size(), 1u);
  PhotoQuery text;
  text.text = "lazio";  // the trigram index follows the place
  EXPECT_EQ(lib_->ListPhotos(alice_, text)->photos.size(), 1u);

  // The same edit again changes nothing and appends nothing.
  edit.place.reset();
  ASSERT_TRUE(lib_->CorrectPhoto(alice_, id, edit).ok());
  EXPECT_EQ(lib_->ChangeFeedPosition(alice_)->head, feed->position.head);

  // No place: out of by-place, the date kept.
  PhotoEdit no_place;
  no_place.place = std::optional<Place>();
  auto placeless = lib_->CorrectPhoto(alice_, id, no_place);
  ASSERT_TRUE(placeless.ok());
  EXPECT_FALSE(placeless->place.has_value());
  EXPECT_EQ(placeless->meta.taken_at, "2024-07-14T18:30:00");
  EXPECT_EQ(places().count, 0);
  EXPECT_EQ(dates().count, 1);
  auto report = lib_->Fsck(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean()) << report->problems.front();
}

// A refused edit changes nothing, not even the parts that were fine.
LIBRARY_TEST(LibraryTest, ARefusedCorrectionChangesNothing) {
  auto r = Import(alice_, Jpeg("keep.jpg", 46));
  ASSERT_TRUE(r.ok());
  const std::string id = r->photo.id;
  const auto head = lib_->ChangeFeedPosition(alice_)->head;
  PhotoEdit blank;
  blank.filename = "   ";
  blank.taken_at = "2024-07-14T18:30:00";
  EXPECT_EQ(lib_->CorrectPhoto(alice_, id, blank).status().code(), Code::kInvalidArgument);
  PhotoEdit bad_time;
  bad_time.filename = "new.jpg";
  bad_time.taken_at = "2024-02-30T12:00:00";
  EXPECT_EQ(lib_->CorrectPhoto(alice_, id, bad_time).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lib_->CorrectPhoto(alice_, id, PhotoEdit{}).status().code(), Code::kInvalidArgument);
  PhotoEdit fine;
  fine.filename = "mine.jpg";
  EXPECT_EQ(lib_->CorrectPhoto(bob_, id, fine).status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->CorrectPhoto(alice_, std::string(32, 'a'), fine).status().code(),
            Code::kNotFound);
  auto same = lib_->GetPhoto(alice_, id);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->filename, "keep.jpg");
  EXPECT_EQ(same->meta.taken_at, r->photo.meta.taken_at);
  EXPECT_TRUE(same->meta.taken_at_estimated);
  EXPECT_EQ(lib_->ChangeFeedPosition(alice_)->head, head);
}

LIBRARY_TEST(LibraryTest, ConsumedStagedFileIsMovedAndRemovedOnRefusal) {
  const auto staged = lib_->StagingDir() / "upload-1";
  WriteFile(staged, MakeJpeg(100, 100, 50));
  IngestRequest req{staged, "upload.jpg", std::nullopt, true};
  auto r = lib_->Ingest(alice_, req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(std::filesystem::exists(staged));
  const auto bad = lib_->StagingDir() / "upload-2";
  WriteFile(bad, "garbage");
  IngestRequest bad_req{bad, "bad.jpg", std::nullopt, true};
  EXPECT_FALSE(lib_->Ingest(alice_, bad_req).ok());
  EXPECT_FALSE(std::filesystem::exists(bad));
}

LIBRARY_TEST(LibraryTest, ListPhotosPagesWithAnOpaqueCursor) {
  for (int i = 0; i < 7; ++i) {
    IngestRequest req;
    req.source = Jpeg('p' + std::to_string(i) + ".jpg", 60 + i, 32, 32);
    req.mtime = 1'700'000'000 + i * 86400;  // distinct estimated dates
    ASSERT_TRUE(lib_->Ingest(alice_, req).ok());
  }
  PhotoQuery q;
  q.limit = 3;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto r = lib_->ListPhotos(alice_, q);
    ASSERT_TRUE(r.ok()) << r.status().message();
    for (const Photo& p : r->photos) seen.push_back(p.meta.taken_at);
    if (r->next_cursor.empty()) break;
    q.cursor = r->next_cursor;
  }
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));  // newest first
  q.cursor = "not-hex!";
  EXPECT_EQ(lib_->ListPhotos(alice_, q).status().code(), Code::kInvalidArgument);
  PhotoQuery text;
  text.text = "p3";
  EXPECT_EQ(lib_->ListPhotos(alice_, text)->photos.size(), 1u);
  PhotoQuery like;
  like.text = "%";  // a LIKE wildcard is matched literally
  EXPECT_TRUE(lib_->ListPhotos(alice_, like)->photos.empty());
}

LIBRARY_TEST(LibraryTest, UsersPasswordsAndSessions) {
  EXPECT_EQ(lib_->CreateUser("alice", "another password").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(lib_->CreateUser("../x", "long enough").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(lib_->CreateUser("carol", "short").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(lib_->Authenticate("alice", "correct horse").ok());
  EXPECT_EQ(lib_->Authenticate("alice", "wrong horse").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(lib_->Authenticate("nobody", "correct horse").status().code(), Code::kUnauthenticated);
  ASSERT_TRUE(lib_->AddSession(alice_, "jti-1", std::time(nullptr) + 60).ok());
  ASSERT_TRUE(lib_->AddSession(alice_, "jti-2", std::time(nullptr) + 60).ok());
  ASSERT_TRUE(lib_->AddSession(alice_, "jti-old", std::time(nullptr) - 1).ok());
  auto session_user = lib_->SessionUser(alice_, "jti-1");
  ASSERT_TRUE(session_user.ok()) << session_user.status().message();
  EXPECT_EQ(session_user->name, "alice");
  EXPECT_FALSE(lib_->SessionUser(bob_, "jti-1").ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "jti-old").ok());
  ASSERT_TRUE(lib_->RevokeOtherSessions(alice_, "jti-2").ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "jti-1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "jti-2").ok());
  ASSERT_TRUE(lib_->ChangeUser("alice", {.disabled = true}).ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "jti-2").ok());
  EXPECT_EQ(lib_->Authenticate("alice", "correct horse").status().code(), Code::kUnauthenticated);
}

// The API's account changes: all or nothing, and never the last enabled
// administrator's (the CLI's SetAdmin only warns).
LIBRARY_TEST(LibraryTest, ChangeUserKeepsAnEnabledAdministrator) {
  const auto Change = [](std::optional<std::int64_t> quota, std::optional<bool> disabled,
                         std::optional<bool> is_admin) {
    UserChange c;
    c.quota_bytes = quota;
    c.disabled = disabled;
    c.is_admin = is_admin;
    return c;
  };
  ASSERT_TRUE(lib_->SetAdmin("alice", true).ok());
  auto refused = lib_->ChangeUser("ALICE", Change(5, std::nullopt, false));
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(lib_->GetUser(alice_)->quota_bytes, 10'000'000) << "nothing applied";
  EXPECT_EQ(lib_->ChangeUser("alice", Change(std::nullopt, true, std::nullopt)).status().code(),
            Code::kFailedPrecondition);
  EXPECT_TRUE(lib_->ChangeUser("bob", Change(std::nullopt, std::nullopt, false)).ok())
      << "bob was never one";
  EXPECT_EQ(lib_->ChangeUser("nobody", Change(std::nullopt, std::nullopt, true)).status().code(),
            Code::kNotFound);

  ASSERT_TRUE(lib_->AddSession(alice_, "jti-1", std::time(nullptr) + 60).ok());
  ASSERT_TRUE(lib_->ChangeUser("bob", Change(std::nullopt, std::nullopt, true)).ok());
  auto demoted = lib_->ChangeUser("alice", Change(5, std::nullopt, false));
  ASSERT_TRUE(demoted.ok()) << demoted.status().message();
  EXPECT_FALSE(demoted->is_admin);
  EXPECT_EQ(demoted->quota_bytes, 5);
  auto session = lib_->SessionUser(alice_, "jti-1");
  ASSERT_TRUE(session.ok()) << "taking administration revokes nothing else";
  EXPECT_FALSE(session->is_admin);
  EXPECT_EQ(lib_->ChangeUser("bob", Change(std::nullopt, true, std::nullopt)).status().code(),
            Code::kFailedPrecondition)
      << "bob is now the last";
}

// The CLI's SetQuota takes the path of the API's ChangeUser: both refuse a
// negative quota, and a refused change applies nothing.
LIBRARY_TEST(LibraryTest, NegativeQuotaIsRefusedByEitherPath) {
  EXPECT_EQ(lib_->SetQuota("alice", -1).code(), Code::kInvalidArgument);
  EXPECT_EQ(lib_->ChangeUser("alice", {.quota_bytes = -1, .disabled = true}).status().code(),
            Code::kInvalidArgument);
  auto alice = lib_->GetUser(alice_);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->quota_bytes, 10'000'000);
  EXPECT_FALSE(alice->disabled) << "nothing applied";
  EXPECT_EQ(lib_->SetQuota("nobody", 1).code(), Code::kNotFound);
  ASSERT_TRUE(lib_->SetQuota("ALICE", 0).ok());
  EXPECT_EQ(lib_->GetUser(alice_)->quota_bytes, 0);
}

LIBRARY_TEST(LibraryTest, RemoveUserDeletesTheirPhotosAndFiles) {
  auto r = Import(bob_, Jpeg("bob.jpg", 70));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(lib_->RemoveUser("bob").ok());
  EXPECT_EQ(lib_->FindUser("bob").status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(lib_->OriginalPath(r->photo)));
  EXPECT_TRUE(lib_->Fsck(false)->clean());
}

LIBRARY_TEST(LibraryTest, SamplePhotosImportWithTheirCameraAndDate) {
  const auto files = testing::SamplePhotoFiles();
  if (files.empty()) GTEST_SKIP() << "no sample photos beside the repository";
  ASSERT_TRUE(lib_->SetQuota("alice", 1'000'000'000).ok());
  int heic = 0;
  for (const auto& f : files) {
    auto r = Import(alice_, f);
    ASSERT_TRUE(r.ok()) << f << ": " << r.status().message();
    if (r->photo.meta.mime == "image/heic") ++heic;
    if (f.filename() == "nikon_d70s_gps.jpg") {
      EXPECT_EQ(r->photo.meta.taken_at.substr(0, 19), "2005-12-14T14:39:47");
      EXPECT_FALSE(r->photo.meta.taken_at_estimated);
      EXPECT_EQ(ViewFolder(r->photo, View::kDate),
                (std::vector<std::string>{"2005", "2005-12", "2005-12-14"}));
      ASSERT_TRUE(r->photo.meta.gps.has_value());
      EXPECT_NEAR(r->photo.meta.gps->lat, 43.785594, 1e-5);
    }
  }
  EXPECT_EQ(heic, 3);
  EXPECT_EQ(lib_->GetUser(alice_)->photo_count, static_cast<std::int64_t>(files.size()));
}

// Two threads of one process, each with its own connections, import for
// one user at the quota's edge: on PostgreSQL the check and the charge are
// one SERIALIZABLE transaction, and the loser of a conflict reruns it
// (core/store/run_in_transaction.h) rather than charging past the quota.
// Each round leaves room for one of the two photos and starts both imports
// together, so that their checks and charges overlap.
LIBRARY_TEST(LibraryTest, TwoThreadsImportingAtTheQuotaEdgeNeverGoOver) {
  constexpr int kRounds = 12;
  std::barrier step(2);
  for (int round = 0; round < kRounds; ++round) {
    std::filesystem::path files[2];
    std::int64_t larger = 0;
    for (int t = 0; t < 2; ++t) {
      files[t] = Jpeg("r" + std::to_string(round) + "-" + std::to_string(t) + ".jpg",
                      700 + round * 2 + t, 64, 64);
      larger = std::max<std::int64_t>(larger, std::filesystem::file_size(files[t]));
    }
    const std::int64_t quota = lib_->GetUser(alice_)->used_bytes + larger;
    ASSERT_TRUE(lib_->SetQuota("alice", quota).ok());
    std::atomic<int> imported = 0, refused = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        step.arrive_and_wait();
        auto r = Import(alice_, files[t]);
        if (r.ok()) {
          ++imported;
        } else if (r.status().code() == Code::kQuotaExceeded) {
          ++refused;
        } else {
          ADD_FAILURE() << r.status().ToString();
        }
      });
    }
    for (auto& t : threads) t.join();
    auto user = lib_->GetUser(alice_);
    ASSERT_TRUE(user.ok());
    ASSERT_LE(user->used_bytes, quota) << "round " << round;
    EXPECT_EQ(imported, 1) << "round " << round;
    EXPECT_EQ(refused, 1) << "round " << round;
  }
  auto report = lib_->Fsck(false);
  ASSERT_TRUE(report.ok());
  for (const auto& p : report->problems) ADD_FAILURE() << p;
}

// PostgreSQL stopped under an open library: every call fails cleanly with
// kBusy ("try again": a 503 at the API, EAGAIN at the mount), nothing is
// half-written, and once the server is back the library works again on
// fresh connections, without a restart of its own.
class LibraryRestartOnPostgres : public LibraryTest {
 protected:
  LibraryRestartOnPostgres() {
    backend_ = db::Backend::kPostgres;
    own_cluster_ = true;  // it stops the server
  }
};

TEST_F(LibraryRestartOnPostgres, StoppedServerGivesBusyThenRecovers) {
  auto kept = Import(alice_, Jpeg("kept.jpg", 80));
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  ASSERT_TRUE(lib_->AddSession(alice_, "jti-before", 4'000'000'000).ok());
  const auto used_before = lib_->GetUser(alice_)->used_bytes;

  std::string why;
  ASSERT_TRUE(server_->Stop(&why)) << why;
  const auto lost = Jpeg("lost.jpg", 81);
  EXPECT_EQ(Import(alice_, lost).status().code(), Code::kBusy);
  EXPECT_EQ(lib_->ListPhotos(alice_, {}).status().code(), Code::kBusy);
  EXPECT_EQ(lib_->DeletePhoto(alice_, kept->photo.id).code(), Code::kBusy);
  EXPECT_EQ(lib_->RevokeSession("jti-before").code(), Code::kBusy);
  EXPECT_EQ(lib_->CreateUser("carol", "long enough").status().code(), Code::kBusy);
  EXPECT_EQ(lib_->SetQuota("alice", 1).code(), Code::kBusy);
  ASSERT_TRUE(server_->Restart(&why)) << why;

  // The first query may find its pooled connection dead (the pool learns
  // then and drops the rest); after it, everything works.
  (void)lib_->GetUser(alice_);
  auto again = Import(alice_, Jpeg("lost.jpg", 81));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->outcome, IngestOutcome::kImported);
  auto user = lib_->GetUser(alice_);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->used_bytes, used_before + again->photo.size);
  EXPECT_EQ(user->quota_bytes, 10'000'000);  // the refused SetQuota left it
  EXPECT_FALSE(lib_->GetPhoto(alice_, kept->photo.id)->trashed_at);
  EXPECT_TRUE(lib_->SessionUser(alice_, "jti-before").ok());  // not revoked
  EXPECT_EQ(lib_->FindUser("carol").status().code(), Code::kNotFound);
  // No orphan blob from the refused import, no row without its blobs.
  auto report = lib_->Fsck(false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& p : report->problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace octopus
