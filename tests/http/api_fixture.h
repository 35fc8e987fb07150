// A real ApiServer on 127.0.0.1 (an ephemeral port) over a library in a
// temporary home, and a real httplib::Client talking to it.
//
// API_TEST(Fixture, Name) runs a test on both backends, as STORE_TEST does
// (tests/testing/store_fixture.h): `Fixture.Name` on SQLite, and
// `FixtureOnPostgres.Name` with the library's metadata in a throwaway
// PostgreSQL cluster (ctest label `postgres`). TEST_F stays SQLite only.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/library.h"
#include "http/api_server.h"
#include "http/http_util.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/store_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus::http {

class ApiTest : public ::testing::Test {
 protected:
  // Settings for the home; tests override before SetUp runs (in their own
  // constructor) to change limits.
  Overrides settings_;
  ApiServerOptions options_;
  db::Backend backend_ = db::Backend::kSqlite;  // set before SetUp by API_TEST
  bool own_cluster_ = false;  // a cluster of its own (to stop it), not a database on the shared one
  std::unique_ptr<testing::PostgresServer> postgres_;

  void SetUp() override {
    settings_["OCTOPUS_HOME"] = (dir_ / "home").string();
    if (backend_ == db::Backend::kPostgres) {
      std::string why;
      postgres_ = own_cluster_ ? testing::PostgresServer::Start(&why)
                               : testing::PostgresServer::StartDatabase(&why);
      ASSERT_NE(postgres_, nullptr) << why;
      settings_["OCTOPUS_DATABASE_URL"] = postgres_->conninfo();
    }
    auto config = LoadConfig(settings_);
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = *config;
    auto lib = Library::Open(config_);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    library_ = std::move(lib).value();
    options_.bind = "127.0.0.1";
    options_.port = 0;
    if (options_.threads == 0) options_.threads = 4;
    auto server = ApiServer::Start(*library_, options_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
    client_ = NewClient();
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
    library_.reset();
    postgres_.reset();
  }

  std::unique_ptr<httplib::Client> NewClient() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_connection_timeout(10);
    c->set_read_timeout(60);
    c->set_write_timeout(60);
    return c;
  }

  // " --database URL" for a CLI command on this library's database: empty
  // on SQLite (the home says it all).
  std::string Database() const {
    return config_.database_is_sqlite() ? ""
                                        : " --database " + testing::Quote(config_.database_url);
  }

  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  static nlohmann::json Json(const httplib::Result& r) {
    if (!r) return nullptr;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  static std::string ErrorCode(const httplib::Result& r) {
    const auto j = Json(r);
    if (!j.is_object() || !j.contains("error")) return "<no error body>";
    return j["error"].value("code", "<no code>");
  }

  httplib::Result PostJson(const std::string& path, const nlohmann::json& body,
                           const httplib::Headers& headers = {}) {
    return client_->Post(path.c_str(), headers, body.dump(), "application/json");
  }

  httplib::Result Register(const std::string& name, const std::string& password) {
    return PostJson("/api/v1/auth/register", {{"username", name}, {"password", password}});
  }

  httplib::Result LoginRaw(const std::string& name, const std::string& password) {
    return PostJson("/api/v1/auth/login", {{"username", name}, {"password", password}});
  }

  // Logs in and returns the token; fails the test if refused.
  std::string Login(const std::string& name, const std::string& password) {
    auto r = LoginRaw(name, password);
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 200) << r->body;
    const auto j = Json(r);
    if (!j.is_object() || !j.contains("access_token")) return "";
    return j["access_token"];
  }

  // Creates the account through the core, as `octopus user add` does
  // (registration is closed by default), and logs in.
  std::string NewUser(const std::string& name, const std::string& password = "correct horse",
                      bool is_admin = false) {
    auto created = library_->CreateUser(name, password, -1, is_admin);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return Login(name, password);
  }
  // An administrator, made as `octopus user add --admin` does.
  std::string NewAdmin(const std::string& name, const std::string& password = "correct horse") {
    return NewUser(name, password, /*is_admin=*/true);
  }

  struct File {
    std::string filename;
    std::string bytes;
    std::string content_type = "image/jpeg";
  };
  httplib::Result Upload(const std::string& token, const std::vector<File>& files) {
    httplib::MultipartFormDataItems items;
    for (const File& f : files) items.push_back({"file", f.bytes, f.filename, f.content_type});
    return client_->Post("/api/v1/photos", Bearer(token), items);
  }
  // Uploads one generated JPEG; returns its record (empty on failure).
  nlohmann::json UploadJpeg(const std::string& token, int seed, const std::string& name = "") {
    auto r = Upload(token, {{name.empty() ? "img" + std::to_string(seed) + ".jpg" : name,
                             testing::MakeJpeg(64, 48, seed)}});
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 201) << r->body;
    return Json(r);
  }

  // A browser session, as the web gallery holds one.
  struct Session {
    std::string cookie;  // "octopus_session=<token>", for a Cookie header
    std::string csrf;
    httplib::Headers Headers(bool with_csrf = true) const {
      httplib::Headers h{{"Cookie", cookie}};
      if (with_csrf) h.emplace("X-CSRF-Token", csrf);
      return h;
    }
  };

  httplib::Result CookieLoginRaw(const std::string& name, const httplib::Headers& headers = {},
                                 const std::string& password = "correct horse") {
    return PostJson("/api/v1/auth/login",
                    {{"username", name}, {"password", password}, {"session", "cookie"}}, headers);
  }

  // The cookie (name=value, without attributes) and CSRF token of a cookie
  // login; fails the test if refused.
  Session CookieLogin(const std::string& name) {
    auto r = CookieLoginRaw(name);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    const std::string set_cookie = r->get_header_value("Set-Cookie");
    const auto j = Json(r);
    return {set_cookie.substr(0, set_cookie.find(';')), j.value("csrf_token", "")};
  }

  httplib::Result Patch(const std::string& path, const nlohmann::json& body,
                        const httplib::Headers& headers) {
    return client_->Patch(path.c_str(), headers, body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& token,
                      httplib::Headers extra = {}) {
    extra.emplace("Authorization", "Bearer " + token);
    return client_->Get(path.c_str(), extra);
  }
  nlohmann::json Me(const std::string& token) { return Json(Get("/api/v1/users/me", token)); }
  // Files in the library's staging folder: uploads not yet ingested, or
  // left behind.
  std::size_t StagingFiles() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator(library_->StagingDir())) {
      ++n;
    }
    return n;
  }

  testing::TempDir dir_;
  Config config_;
  std::unique_ptr<Library> library_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

// For tests of anonymous registration itself: OCTOPUS_OPEN_REGISTRATION=true
// (and the other settings at their defaults, unless a test changes them).
class ApiOpenRegistrationTest : public ApiTest {
 public:
  ApiOpenRegistrationTest() { settings_["OCTOPUS_OPEN_REGISTRATION"] = "true"; }
};

// HTTPS with a self-signed certificate made by the openssl command; tests
// skip when have_openssl_ is false.
class ApiTlsTest : public ApiTest {
 public:
  ApiTlsTest() {
    const auto cert = dir_ / "cert.pem";
    const auto key = dir_ / "key.pem";
    auto made = testing::RunCommand(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -keyout " +
            testing::Quote(key.string()) + " -out " + testing::Quote(cert.string()) + " 2>&1",
        60);
    have_openssl_ = made.exit_code == 0;
    if (have_openssl_) {
      options_.tls_cert = cert;
      options_.tls_key = key;
    }
  }
  bool have_openssl_ = false;
};

}  // namespace octopus::http

// As TEST_F(fixture, name), on both backends. `fixture` derives from
// octopus::http::ApiTest.
#define API_TEST(fixture, name) STORE_TEST(fixture, name)
