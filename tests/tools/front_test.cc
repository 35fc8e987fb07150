// The supported front: nginx with the shipped deploy/nginx/octopus-photos.conf
// before the real `octopus serve` (OCTOPUS_TRUSTED_PROXIES=127.0.0.1,
// OCTOPUS_ACCEL_REDIRECT=/_octopus_blobs/). Through it, originals and
// thumbnails are sent by nginx with the very headers and bytes octopus sends
// to a client that reaches it directly (from 127.0.0.2, which it does not
// trust); Range, If-None-Match and refusals behave alike; a revoked token
// is refused at once; the blob store is not reachable by itself; the
// client's address is the one nginx saw, whatever it claims.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/testing/nginx_front.h"
#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

using testing::Quote;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; a repeated one joined by ", "
  std::string body;
};

class FrontTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::NginxFront::Available()) GTEST_SKIP() << "nginx or openssl is not installed";
    ASSERT_TRUE(testing::AddUser(dir_ / "home", "alice", testing::kPassword, "1G"));
    ASSERT_TRUE(service_.Start());
    front_ = std::make_unique<testing::NginxFront>(
        dir_ / "nginx", dir_ / "home" / "data" / "storage", service_.port());
    ASSERT_TRUE(front_->Start());
    const Reply login = Front(
        "-X POST -H 'Content-Type: application/json' -d " +
            Quote(nlohmann::json{{"username", "alice"}, {"password", testing::kPassword}}.dump()),
        "/api/v1/auth/login");
    ASSERT_EQ(login.status, 200) << login.body << front_->ErrorLog();
    token_ = nlohmann::json::parse(login.body).value("access_token", "");
    testing::WriteFile(dir_ / "photo.jpg", testing::MakeJpeg(640, 480, 5));
    const Reply up = Front(
        Auth() + " -F " +
            Quote("file=@" + (dir_ / "photo.jpg").string() + ";filename=Café.jpg;type=image/jpeg"),
        "/api/v1/photos");
    ASSERT_EQ(up.status, 201) << up.body << front_->ErrorLog();
    id_ = nlohmann::json::parse(up.body).value("id", "");
  }

  std::string Auth() const { return "-H " + Quote("Authorization: Bearer " + token_); }

  Reply Curl(const std::string& args, const std::string& url) {
    const std::string head = (dir_ / "head").string(), body = (dir_ / "body").string();
    const auto r = testing::RunCommand("curl -s -k --http1.1 --max-time 30 -D " + Quote(head) +
                                           " -o " + Quote(body) + " " + args + " " + Quote(url),
                                       60);
    Reply reply;
    std::istringstream in(testing::ReadFile(head));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("HTTP/", 0) == 0) {
        reply.status = std::atoi(line.c_str() + line.find(' ') + 1);
        reply.headers.clear();  // a 100 Continue came first
      } else if (const auto colon = line.find(':'); colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
        std::string& joined = reply.headers[name];
        joined = joined.empty() ? value : joined + ", " + value;
      }
    }
    reply.body = testing::ReadFile(body);
    if (r.exit_code != 0) reply.status = -r.exit_code;
    return reply;
  }
  Reply Front(const std::string& args, const std::string& path) {
    return Curl(args, "https://127.0.0.1:" + std::to_string(front_->https_port()) + path);
  }
  // Straight to octopus, from an address it does not trust.
  Reply Direct(const std::string& args, const std::string& path) {
    return Curl("--interface 127.0.0.2 " + args,
                "http://127.0.0.1:" + std::to_string(service_.port()) + path);
  }

  void ExpectSameAnswer(const std::string& args, const std::string& path) {
    const Reply direct = Direct(args, path);
    const Reply front = Front(args, path);
    SCOPED_TRACE(path + " " + args);
    EXPECT_EQ(front.status, direct.status);
    for (const char* h :
         {"content-type", "content-length", "etag", "cache-control", "content-disposition",
          "content-range", "accept-ranges", "x-content-type-options"}) {
      EXPECT_EQ(front.headers.count(h) ? front.headers.at(h) : "<none>",
                direct.headers.count(h) ? direct.headers.at(h) : "<none>")
          << h;
    }
    EXPECT_FALSE(front.headers.count("x-accel-redirect"));
    EXPECT_FALSE(front.headers.count("last-modified"));
    EXPECT_EQ(front.body, direct.body);
  }

  testing::TempDir dir_;
  testing::ServiceProcess service_{
      dir_ / "home",
      "",
      "alice",
      {{"OCTOPUS_TRUSTED_PROXIES", "127.0.0.1"}, {"OCTOPUS_ACCEL_REDIRECT", "/_octopus_blobs/"}}};
  std::unique_ptr<testing::NginxFront> front_;
  std::string token_, id_;
};

TEST_F(FrontTest, NginxSendsTheBytesWithOctopussHeaders) {
  const std::string original = "/api/v1/photos/" + id_ + "/original";
  ExpectSameAnswer(Auth(), original);
  ExpectSameAnswer(Auth(), "/api/v1/photos/" + id_ + "/thumbnail?size=small");
  ExpectSameAnswer(Auth(), "/api/v1/photos/" + id_ + "/thumbnail?size=preview");
  // The bytes are the photo's.
  EXPECT_EQ(Front(Auth(), original).body, testing::ReadFile(dir_ / "photo.jpg"));
  // Ranges: one, a suffix, several (served whole), a stale If-Range (whole),
  // bad syntax (ignored), one past the end (416 with octopus's error).
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=10-99'", original);
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=-100'", original);
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=0-1,5-9'", original);
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=0-9' -H 'If-Range: \"stale\"'", original);
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=9-3'", original);
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=99999999-'", original);
  // A Range on a thumbnail is ignored, as always.
  ExpectSameAnswer(Auth() + " -H 'Range: bytes=0-9'", "/api/v1/photos/" + id_ + "/thumbnail");
  // Conditionals are octopus's, against its ETag.
  const std::string etag = Direct(Auth(), original).headers["etag"];
  ASSERT_FALSE(etag.empty());
  ExpectSameAnswer(Auth() + " -H " + Quote("If-None-Match: " + etag), original);
  EXPECT_EQ(Front(Auth() + " -H " + Quote("If-None-Match: " + etag), original).status, 304);
  // Refusals are octopus's JSON.
  ExpectSameAnswer("", original);
  ExpectSameAnswer(Auth(), "/api/v1/photos/" + std::string(32, '0') + "/original");
  // And nginx sent the bytes: octopus answered the front's requests with
  // no body of its own.
  ASSERT_EQ(service_.Stop(SIGTERM), 0);  // flushes the access log
  const std::string log = testing::ReadFile(dir_ / "home" / "data" / "logs" / "server.log");
  EXPECT_NE(log.find("access 127.0.0.1 \"GET " + original + "\" 200 0 "), std::string::npos) << log;
  EXPECT_NE(log.find("access 127.0.0.2 \"GET " + original + "\" 200 " +
                     std::to_string(testing::ReadFile(dir_ / "photo.jpg").size())),
            std::string::npos)
      << log;
}

TEST_F(FrontTest, TheBlobStoreIsNotReachableAndRevocationIsImmediate) {
  // The internal location answers only octopus's X-Accel-Redirect.
  const Reply thumb = Direct(Auth(), "/api/v1/photos/" + id_ + "/thumbnail");
  ASSERT_EQ(thumb.status, 200);
  for (const std::string& path :
       {std::string("/_octopus_blobs/"), std::string("/_octopus_blobs/whole/"),
        std::string("/_octopus_blobs/tmp/")}) {
    EXPECT_EQ(Front(Auth(), path).status, 404) << path;
  }
  // Every request asks octopus: logged out (a bare POST), the token gets
  // nothing more, not even a thumbnail nginx could send on its own.
  const std::string path = "/api/v1/photos/" + id_ + "/thumbnail";
  ASSERT_EQ(Front(Auth(), path).status, 200);
  EXPECT_EQ(Front(Auth() + " -X POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(Front(Auth(), path).status, 401);
  EXPECT_EQ(Front(Auth(), "/api/v1/photos/" + id_ + "/original").status, 401);
}

TEST_F(FrontTest, TheClientIsWhomNginxSawWhateverItClaims) {
  const Reply r = Curl(
      "--interface 127.0.0.2 -H 'X-Forwarded-For: 198.51.100.1' -H "
      "'X-Real-IP: 198.51.100.2'",
      "https://127.0.0.1:" + std::to_string(front_->https_port()) + "/health");
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(service_.Stop(SIGTERM), 0);  // flushes the access log
  const std::string log = testing::ReadFile(dir_ / "home" / "data" / "logs" / "server.log");
  EXPECT_NE(log.find("access 127.0.0.2 \"GET /health\" 200"), std::string::npos) << log;
  EXPECT_EQ(log.find("198.51.100"), std::string::npos) << log;
}

}  // namespace
}  // namespace octopus
