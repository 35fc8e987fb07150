// Regression: an upload whose multipart body broke after its first files
// stored and charged those files while answering 400 (each part was
// ingested as soon as the next one began). Nothing of a body is ingested
// until the whole body is known to be well-formed.
#include <filesystem>

#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

constexpr char kBoundary[] = "tail-boundary-7";

std::string FilePart(const std::string& name, const std::string& bytes) {
  return std::string("--") + kBoundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
         "\"\r\nContent-Type: image/jpeg\r\n\r\n" + bytes + "\r\n";
}

class UploadMalformedTailTest : public ApiTest {
 protected:
  httplib::Result PostBody(const std::string& token, const std::string& body) {
    return client_->Post("/api/v1/photos", Bearer(token), body,
                         std::string("multipart/form-data; boundary=") + kBoundary);
  }
  // Regular files anywhere under the store: originals, thumbnails, staging.
  std::size_t StoredFiles() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(config_.storage_dir())) {
      n += e.is_regular_file();
    }
    return n;
  }
};

TEST_F(UploadMalformedTailTest, NothingIsStoredOrChargedWhenTheTailIsMalformed) {
  const std::string token = NewUser("alice");
  const std::string good = FilePart("a.jpg", testing::MakeJpeg(64, 48, 1)) +
                           FilePart("b.jpg", testing::MakeJpeg(64, 48, 2));
  const std::size_t files_before = StoredFiles();
  const std::vector<std::pair<std::string, std::string>> tails = {
      {"no closing delimiter", ""},
      {"a third part cut short", FilePart("c.jpg", testing::MakeJpeg(64, 48, 3)).substr(0, 300)},
      {"a part header without a colon", std::string("--") + kBoundary +
                                            "\r\nthis is not a header\r\n\r\nxyz\r\n--" +
                                            kBoundary + "--\r\n"},
      {"a part without Content-Disposition", std::string("--") + kBoundary +
                                                 "\r\nContent-Type: image/jpeg\r\n\r\nxyz\r\n--" +
                                                 kBoundary + "--\r\n"},
      {"junk after a delimiter", std::string("--") + kBoundary + "junk\r\n"},
      {"endless part headers",
       std::string("--") + kBoundary + "\r\nX-Pad: " + std::string(20000, 'h') + "\r\n\r\n"},
  };
  for (const auto& [what, tail] : tails) {
    auto r = PostBody(token, good + tail);
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->status, 400) << what << ": " << r->body;
    EXPECT_EQ(ErrorCode(r), "bad_request") << what;
    const auto me = Json(Get("/api/v1/users/me", token));
    EXPECT_EQ(me["photo_count"], 0) << what;
    EXPECT_EQ(me["used_bytes"], 0) << what;
    EXPECT_EQ(StoredFiles(), files_before) << what << ": a file was left in the store";
  }
  auto list = Get("/api/v1/photos", token);
  ASSERT_TRUE(list);
  EXPECT_TRUE(Json(list)["photos"].empty());

  // The same files in a well-formed body are stored: the bodies above
  // failed for their tails alone.
  auto ok = PostBody(token, good + "--" + kBoundary + "--\r\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(Json(Get("/api/v1/users/me", token))["photo_count"], 2);
}

}  // namespace
}  // namespace octopus::http
