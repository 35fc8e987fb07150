// What the server does for a front it trusts (OCTOPUS_TRUSTED_PROXIES):
// X-Forwarded-For names the client for the access log and the login
// throttle, and with OCTOPUS_ACCEL_REDIRECT originals and thumbnails are
// handed to the front with X-Accel-Redirect. From any other peer, both
// headers are ignored and the bytes are sent as always.
#include <filesystem>

#include "core/log.h"
#include "tests/http/api_fixture.h"
#include "tests/http/raw_http.h"

namespace octopus::http {
namespace {

using testing::MakeJpeg;

// The test's client connects from 127.0.0.1; the front is trusted there.
class TrustedFrontTest : public ApiTest {
 protected:
  TrustedFrontTest() {
    settings_["OCTOPUS_TRUSTED_PROXIES"] = "127.0.0.1";
    settings_["OCTOPUS_ACCEL_REDIRECT"] = "/_octopus_blobs/";
    options_.throttle.free_attempts = 100;
    options_.throttle.max_attempts_per_address = 3;
  }
  void SetUp() override {
    settings_["OCTOPUS_HOME"] = (dir_ / "home").string();
    auto config = LoadConfig(settings_);
    ASSERT_TRUE(config.ok()) << config.status().message();
    InitLogging(*config, "server", /*also_stderr=*/false);
    ApiTest::SetUp();
  }
  httplib::Result LoginFrom(const std::string& client, const std::string& password) {
    return client_->Post("/api/v1/auth/login", {{"X-Forwarded-For", client}},
                         nlohmann::json{{"username", "alice"}, {"password", password}}.dump(),
                         "application/json");
  }
  // Where the front finds the file an X-Accel-Redirect names.
  std::filesystem::path BlobOf(const std::string& location) {
    std::string rest = location.substr(std::string("/_octopus_blobs/").size());
    if (rest.rfind("whole/", 0) == 0) rest = rest.substr(6);
    return config_.storage_dir() / rest;
  }
};

TEST_F(TrustedFrontTest, TheClientTheFrontNamesIsThrottledAndLogged) {
  NewUser("alice");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(LoginFrom("203.0.113.7", "wrong password")->status, 401);
  EXPECT_EQ(LoginFrom("203.0.113.7", "correct horse")->status, 429);
  // Another client behind the same front is not locked out with it.
  EXPECT_EQ(LoginFrom("203.0.113.8", "correct horse")->status, 200);
  server_->Stop();  // flushes the access log
  const std::string log = testing::ReadFile(config_.logs_dir() / "server.log");
  EXPECT_NE(log.find("access 203.0.113.7 \"POST /api/v1/auth/login\" 429"), std::string::npos)
      << log;
  EXPECT_NE(log.find("access 203.0.113.8 \"POST /api/v1/auth/login\" 200"), std::string::npos);
}

// Issue 15 (6): wrong passwords for alice from one client slowed that
// client, not alice: her right password from another client is let in.
class TrustedFrontSlowingTest : public TrustedFrontTest {
 protected:
  TrustedFrontSlowingTest() {
    options_.throttle.free_attempts = 3;
    // Far longer than any hash: the count of refusals does not depend on
    // how long one takes.
    options_.throttle.base_delay = std::chrono::seconds(600);
    options_.throttle.max_attempts_per_address = 100;
  }
};

TEST_F(TrustedFrontSlowingTest, GuessesFromOneClientDoNotLockAliceOutElsewhere) {
  NewUser("alice");
  int checked = 0, refused = 0;
  for (int i = 0; i < 10; ++i) {
    const int status = LoginFrom("203.0.113.7", "wrong password")->status;
    checked += status == 401;
    refused += status == 429;
  }
  EXPECT_EQ(checked, 3) << "the free attempts, then each further one must wait";
  EXPECT_EQ(refused, 7);
  auto slowed = LoginFrom("203.0.113.7", "correct horse");
  EXPECT_EQ(slowed->status, 429) << "the guesser's own address waits, right password or not";
  EXPECT_FALSE(slowed->get_header_value("Retry-After").empty());
  auto elsewhere = LoginFrom("203.0.113.8", "correct horse");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 200) << elsewhere->body;
}

TEST_F(TrustedFrontTest, ThumbnailsAndOriginalsAreHandedToTheFront) {
  const std::string token = NewUser("alice");
  const auto record = UploadJpeg(token, 3, "a.jpg");
  const std::string id = record["id"];
  const std::string etag = "\"" + record["sha256"].get<std::string>() + "\"";

  auto thumb = Get("/api/v1/photos/" + id + "/thumbnail?size=small", token);
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->status, 200);
  EXPECT_TRUE(thumb->body.empty());
  const std::string location = thumb->get_header_value("X-Accel-Redirect");
  EXPECT_EQ(location.rfind("/_octopus_blobs/whole/", 0), 0u) << location;
  EXPECT_NE(location.find(".small.jpg"), std::string::npos) << location;
  EXPECT_TRUE(std::filesystem::is_regular_file(BlobOf(location))) << location;
  EXPECT_EQ(thumb->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(thumb->get_header_value("Cache-Control"), "private, max-age=31536000, immutable");
  EXPECT_FALSE(thumb->get_header_value("ETag").empty());
  // Validators are still ours: a 304 is answered here, not handed over.
  auto not_modified = Get("/api/v1/photos/" + id + "/thumbnail?size=small", token,
                          {{"If-None-Match", thumb->get_header_value("ETag")}});
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_FALSE(not_modified->has_header("X-Accel-Redirect"));

  const std::string original = "/api/v1/photos/" + id + "/original";
  auto whole = Get(original, token);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_TRUE(whole->body.empty());
  EXPECT_EQ(whole->get_header_value("ETag"), etag);
  EXPECT_EQ(whole->get_header_value("Content-Disposition").rfind("attachment;", 0), 0u);
  // No Range: the location that applies ranges (and says Accept-Ranges).
  EXPECT_EQ(whole->get_header_value("X-Accel-Redirect").rfind("/_octopus_blobs/", 0), 0u);
  EXPECT_EQ(whole->get_header_value("X-Accel-Redirect").find("/whole/"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(BlobOf(whole->get_header_value("X-Accel-Redirect"))),
            MakeJpeg(64, 48, 3));
  // A range we serve goes to the location that applies ranges; one we
  // ignore (a stale If-Range) to the one that does not.
  auto part = Get(original, token, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(part->get_header_value("X-Accel-Redirect").rfind("/_octopus_blobs/", 0), 0u);
  EXPECT_EQ(part->get_header_value("X-Accel-Redirect").find("/whole/"), std::string::npos);
  auto stale = Get(original, token, {{"Range", "bytes=0-9"}, {"If-Range", "\"old\""}});
  EXPECT_NE(stale->get_header_value("X-Accel-Redirect").find("/whole/"), std::string::npos);
  // Refusals are answered here, with our error body.
  auto beyond = Get(original, token, {{"Range", "bytes=99999999-"}});
  EXPECT_EQ(beyond->status, 416);
  EXPECT_FALSE(beyond->has_header("X-Accel-Redirect"));
  EXPECT_EQ(ErrorCode(beyond), "range_not_satisfiable");
  EXPECT_EQ(Get(original, token, {{"If-None-Match", etag}})->status, 304);
  // Another user's photo is 404 here too, never handed over.
  const std::string bob = NewUser("bob");
  auto other = Get(original, bob);
  EXPECT_EQ(other->status, 404);
  EXPECT_FALSE(other->has_header("X-Accel-Redirect"));
}

// The same settings, but the request does not come from the trusted front.
class UntrustedPeerTest : public ApiTest {
 protected:
  UntrustedPeerTest() {
    settings_["OCTOPUS_TRUSTED_PROXIES"] = "127.0.0.9";
    settings_["OCTOPUS_ACCEL_REDIRECT"] = "/_octopus_blobs/";
    options_.throttle.free_attempts = 100;
    options_.throttle.max_attempts_per_address = 3;
  }
};

TEST_F(UntrustedPeerTest, ADirectClientGetsTheBytesAndCannotPickItsAddress) {
  const std::string token = NewUser("alice");
  const auto record = UploadJpeg(token, 4, "b.jpg");
  auto original = Get("/api/v1/photos/" + record["id"].get<std::string>() + "/original", token);
  ASSERT_TRUE(original);
  EXPECT_EQ(original->status, 200);
  EXPECT_FALSE(original->has_header("X-Accel-Redirect"));
  EXPECT_EQ(original->body, MakeJpeg(64, 48, 4));
  auto thumb = Get("/api/v1/photos/" + record["id"].get<std::string>() + "/thumbnail", token);
  EXPECT_FALSE(thumb->has_header("X-Accel-Redirect"));
  EXPECT_FALSE(thumb->body.empty());
  // A new X-Forwarded-For per attempt does not escape the address's count.
  for (int i = 0; i < 3; ++i) {
    auto r = client_->Post(
        "/api/v1/auth/login", {{"X-Forwarded-For", "198.51.100." + std::to_string(i)}},
        nlohmann::json{{"username", "alice"}, {"password", "wrong"}}.dump(), "application/json");
    EXPECT_EQ(r->status, 401);
  }
  auto blocked =
      client_->Post("/api/v1/auth/login", {{"X-Forwarded-For", "198.51.100.200"}},
                    nlohmann::json{{"username", "alice"}, {"password", "correct horse"}}.dump(),
                    "application/json");
  EXPECT_EQ(blocked->status, 429);
}

}  // namespace
}  // namespace octopus::http
