// The access log of a real server: one line per request in
// data/logs/server.log with what the spec lists (method, path, status,
// bytes, duration, user), and no password, token or query string.
#include <algorithm>
#include <regex>
#include <sstream>
#include <tuple>

#include "core/log.h"
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

// Logs as `octopus serve` does, to the test's own home; each test runs in
// a process of its own, so replacing the process's loggers is fine.
// Registers through the API: its line must not carry the password.
class AccessLogTest : public ApiOpenRegistrationTest {
 protected:
  void SetUp() override {
    settings_["OCTOPUS_HOME"] = (dir_ / "home").string();
    auto config = LoadConfig(settings_);
    ASSERT_TRUE(config.ok()) << config.status().message();
    InitLogging(*config, "server", /*also_stderr=*/false);
    ApiTest::SetUp();
  }

  std::string ServerLog() const { return testing::ReadFile(config_.logs_dir() / "server.log"); }
};

struct AccessLine {
  std::string method, path;
  int status = 0;
  std::size_t bytes = 0;
  std::string user;
  auto operator<=>(const AccessLine&) const = default;
};

std::ostream& operator<<(std::ostream& os, const AccessLine& a) {
  return os << a.method << " " << a.path << " " << a.status << " " << a.bytes << " user=" << a.user;
}

std::vector<AccessLine> AccessLines(const std::string& log) {
  static const std::regex kLine(
      R"re(access \S+ "(\S+) (\S+)" (\d+) (\d+) \d+\.\dms user=(\S+)$)re");
  std::vector<AccessLine> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, kLine)) continue;
    out.push_back({m[1], m[2], std::stoi(m[3]), std::stoul(m[4]), m[5]});
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What the line of a request answered with `r` must say.
AccessLine Expected(const std::string& method, const std::string& path, const httplib::Result& r,
                    const std::string& user) {
  return {method, path, r ? r->status : -1, r ? r->body.size() : 0, user};
}

TEST_F(AccessLogTest, OneLinePerRequestWithoutSecrets) {
  const std::string password = "pw-Never-In-Logs-7";
  auto reg = Register("alice", password);
  ASSERT_TRUE(reg);
  ASSERT_EQ(reg->status, 201) << reg->body;
  auto login = LoginRaw("alice", password);
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string token = Json(login)["access_token"];
  const std::string signature = token.substr(token.rfind('.') + 1);
  ASSERT_GE(signature.size(), 20u);

  auto me = Get("/api/v1/users/me", token);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200) << me->body;
  auto query = Get("/api/v1/photos?q=s3cr3t-query", token);
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 200) << query->body;
  auto missing = Get("/api/v1/photos/999999", token);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404) << missing->body;
  // A token whose signature is not the server's: refused, and its parts
  // must not show up either.
  const std::string forged = token.substr(0, token.rfind('.') + 1) + std::string(43, 'A');
  auto refused = Get("/api/v1/users/me", forged);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401) << refused->body;

  server_->Stop();  // flushes the access lines
  const std::string log = ServerLog();

  std::vector<AccessLine> expected = {
      Expected("POST", "/api/v1/auth/register", reg, "-"),
      Expected("POST", "/api/v1/auth/login", login, "-"),
      Expected("GET", "/api/v1/users/me", me, "alice"),
      Expected("GET", "/api/v1/photos", query, "alice"),
      Expected("GET", "/api/v1/photos/999999", missing, "alice"),
      Expected("GET", "/api/v1/users/me", refused, "-"),
  };
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(AccessLines(log), expected) << log;

  EXPECT_EQ(log.find(password), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << log;
  EXPECT_EQ(log.find(signature), std::string::npos) << log;
  EXPECT_EQ(log.find(forged), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cr3t-query"), std::string::npos) << log;
  EXPECT_EQ(log.find("q="), std::string::npos) << log;
}

}  // namespace
}  // namespace octopus::http
