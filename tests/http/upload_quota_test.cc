// Issue 15 (5): staged uploads count against the quota. A user with little
// left streamed 300 MB into the staging folder; now an upload stops (507)
// as soon as what it staged passes what the quota leaves, and a user has a
// bounded number of uploads in flight (429 beyond). Idle uploads are cut by
// the connection guard (connection_guard_test.cc).
#include <filesystem>

#include "tests/http/api_fixture.h"
#include "tests/http/raw_http.h"

namespace octopus::http {
namespace {

using testing::MakeJpeg;

constexpr char kBoundary[] = "quotaboundary";

class UploadQuotaTest : public ApiTest {
 protected:
  // Held uploads each hold a server thread.
  UploadQuotaTest() { options_.threads = 16; }

  // The request head and the start of one file part of an upload that
  // claims `content_length` bytes of body.
  static std::string UploadStart(const std::string& token, std::size_t content_length) {
    return "POST /api/v1/photos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
           "\r\nContent-Length: " + std::to_string(content_length) + "\r\n\r\n--" + kBoundary +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n"
           "Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff";
  }
};

API_TEST(UploadQuotaTest, AnUploadFarOverTheQuotaStopsWith507AndLeavesNothingStaged) {
  const std::string token = NewUser("alice");
  ASSERT_EQ(Upload(token, {{"a.jpg", MakeJpeg(64, 48, 1)}})->status, 201);
  const std::int64_t used = Me(token)["used_bytes"];
  constexpr std::int64_t kLeft = 300'000;
  ASSERT_TRUE(library_->SetQuota("alice", used + kLeft).ok());

  // 300 MB announced; what the quota leaves and a little more is sent, and
  // then nothing: the answer must come from the staged bytes, not from the
  // end of the body (nor from the connection guard's idle cut, 30 s on).
  RawConnection c(server_->port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.Send(UploadStart(token, 300'000'000)));
  ASSERT_TRUE(c.Send(std::string(kLeft + 4096, 'x')));
  const RawResponse r = c.ReadResponse(/*expect_close=*/true);
  EXPECT_EQ(r.status, 507) << r.body;
  EXPECT_NE(r.body.find("quota_exceeded"), std::string::npos) << r.body;
  EXPECT_TRUE(r.closed) << "the rest of the body is not read";
  EXPECT_EQ(StagingFiles(), 0u) << "the staged part was removed before the answer";
  const auto me = Me(token);
  EXPECT_EQ(me["used_bytes"], used);
  EXPECT_EQ(me["photo_count"], 1);
  // The stopped upload's bytes left the ledger: a file that fits is taken.
  EXPECT_EQ(Upload(token, {{"b.jpg", MakeJpeg(64, 48, 2)}})->status, 201);
}

API_TEST(UploadQuotaTest, StagedBytesOfTheUsersOtherUploadsCountToo) {
  const std::string token = NewUser("alice");
  constexpr std::int64_t kQuota = 400'000;
  ASSERT_TRUE(library_->SetQuota("alice", kQuota).ok());
  // A first upload stages 300 KB and waits; a second may stage only the
  // rest.
  RawConnection first(server_->port());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first.Send(UploadStart(token, 10'000'000)));
  ASSERT_TRUE(first.Send(std::string(300'000, 'x')));
  ASSERT_TRUE(testing::PollUntil([&] {
    for (const auto& e : std::filesystem::directory_iterator(library_->StagingDir())) {
      if (e.file_size() >= 290'000) return true;
    }
    return false;
  })) << "the first upload never staged its bytes";
  RawConnection second(server_->port());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second.Send(UploadStart(token, 10'000'000)));
  ASSERT_TRUE(second.Send(std::string(150'000, 'y')));
  const RawResponse r = second.ReadResponse(/*expect_close=*/true);
  EXPECT_EQ(r.status, 507) << r.body;
  EXPECT_EQ(StagingFiles(), 1u) << "the first upload's file only";
}

API_TEST(UploadQuotaTest, AUserHasABoundedNumberOfUploadsInFlight) {
  const std::string token = NewUser("alice");
  const std::string bob = NewUser("bob");
  const int cap = options_.max_uploads_per_user;
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < cap; ++i) {
    held.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(held.back()->ok());
    ASSERT_TRUE(held.back()->Send(UploadStart(token, 1'000'000)));
    ASSERT_TRUE(held.back()->Send(std::string(1000, 'x')));
  }
  // Each has begun once its staging file exists.
  ASSERT_TRUE(testing::PollUntil([&] { return StagingFiles() == static_cast<std::size_t>(cap); }));
  auto refused = Upload(token, {{"one-more.jpg", MakeJpeg(64, 48, 1)}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_EQ(ErrorCode(refused), "too_many_requests");
  EXPECT_FALSE(refused->get_header_value("Retry-After").empty());
  EXPECT_EQ(Upload(bob, {{"bobs.jpg", MakeJpeg(64, 48, 2)}})->status, 201)
      << "another user is not held back";
  held.pop_back();  // one of alice's ends (the client went away)
  EXPECT_TRUE(testing::PollUntil([&] {
    auto r = Upload(token, {{"now.jpg", MakeJpeg(64, 48, 3)}});
    return r && r->status == 201;
  })) << "a slot is free again once an upload ends";
}

}  // namespace
}  // namespace octopus::http
