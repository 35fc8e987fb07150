// The web gallery's files: GET / and /app/..., vendor packages from an
// allow-list, and every way out of the served folders refused (issue 17).
#include <unistd.h>

#include "tests/http/api_fixture.h"
#include "tests/http/raw_http.h"

namespace octopus::http {
namespace {

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  testing::WriteFile(path, bytes);
}

class ApiStaticTest : public ApiTest {
 public:
  ApiStaticTest() {
    const auto web = dir_ / "web";
    Write(web / "app" / "index.html", "<!doctype html><title>gallery</title>");
    Write(web / "app" / "js" / "main.js", "export const x = 1;\n");
    Write(web / "app" / "style.css", "body{}");
    Write(web / "app" / "icon.svg", "<svg/>");
    Write(web / "app" / "notes.unknown", "?");
    Write(web / "app" / ".hidden.js", "secret");
    Write(web / "node_modules" / "lit" / "index.js", "export {};\n");
    Write(web / "node_modules" / "@lit" / "reactive-element" / "reactive-element.js",
          "export {};\n");
    Write(web / "node_modules" / "swagger-ui-dist" / "index.js", "not allowed");
    Write(web / "node_modules" / "lit" / "package.json", R"({"name": "lit", "version": "3.1.2"})");
    Write(dir_ / "outside.js", "outside");
    // Links out of the served folders.
    EXPECT_EQ(::symlink((dir_ / "outside.js").c_str(), (web / "app" / "escape.js").c_str()), 0);
    EXPECT_EQ(::symlink("/etc", (web / "app" / "etc").c_str()), 0);
    EXPECT_EQ(::symlink((web / "node_modules" / "swagger-ui-dist" / "index.js").c_str(),
                        (web / "node_modules" / "lit" / "sneaky.js").c_str()),
              0);
    options_.web_dir = web / "app";
  }

  RawResponse RawGet(const std::string& target) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(c.Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    return c.ReadResponse(false);
  }
};

TEST_F(ApiStaticTest, RootServesTheGalleryWithItsPolicy) {
  auto r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!doctype html><title>gallery</title>");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->get_header_value("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
  // The page linking the documentation stays reachable.
  auto about = client_->Get("/about");
  ASSERT_TRUE(about);
  EXPECT_EQ(about->status, 200);
  EXPECT_NE(about->body.find("href=\"/docs\""), std::string::npos);
}

TEST_F(ApiStaticTest, AppFilesHaveTheirTypesAndRevalidate) {
  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/app/js/main.js", "text/javascript; charset=utf-8"},
           {"/app/style.css", "text/css; charset=utf-8"},
           {"/app/icon.svg", "image/svg+xml"},
           {"/app/index.html", "text/html; charset=utf-8"}}) {
    auto r = client_->Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), type) << path;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache") << path;
    EXPECT_FALSE(r->get_header_value("Last-Modified").empty()) << path;
    const std::string etag = r->get_header_value("ETag");
    ASSERT_FALSE(etag.empty()) << path;
    auto again = client_->Get(path.c_str(), {{"If-None-Match", etag}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << path;
    EXPECT_TRUE(again->body.empty());
    auto since =
        client_->Get(path.c_str(), {{"If-Modified-Since", r->get_header_value("Last-Modified")}});
    ASSERT_TRUE(since);
    EXPECT_EQ(since->status, 304) << path;
  }
  auto js = client_->Get("/app/js/main.js");
  EXPECT_EQ(js->body, "export const x = 1;\n");
}

TEST_F(ApiStaticTest, VendorPackagesAreImmutableAndAllowListed) {
  for (const char* path : {"/app/vendor/lit/index.js", "/app/vendor/lit@3.1.2/index.js",
                           "/app/vendor/@lit/reactive-element/reactive-element.js"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8") << path;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=31536000, immutable") << path;
  }
  for (const char* path : {"/app/vendor/swagger-ui-dist/index.js", "/app/vendor/lit",
                           "/app/vendor/lit/", "/app/vendor/@lit/", "/app/vendor/lit/sneaky.js",
                           "/app/vendor/lit/../swagger-ui-dist/index.js",
                           // Versioned URLs are cached for a year: only the installed version.
                           "/app/vendor/lit@3.0.0/index.js", "/app/vendor/lit@/index.js",
                           "/app/vendor/swagger-ui-dist@5.0.0/index.js",
                           "/app/vendor/@lit/reactive-element@9.9.9/reactive-element.js"}) {
    auto r = RawGet(path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
  }
}

TEST_F(ApiStaticTest, NothingOutsideTheFoldersIsServed) {
  for (const char* target : {
           "/app/../../etc/passwd",
           "/app/%2e%2e/%2e%2e/etc/passwd",
           "/app/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
           "/app/js/../../outside.js",
           "/app/./index.html",
           "/app//index.html",
           "/app/escape.js",
           "/app/etc/passwd",
           "/app/.hidden.js",
           "/app/vendor/lit/..%2f..%2f..%2foutside.js",
           "/app/notes.unknown",
           "/app/",
           "/app/js/",
           "/app/js",
           "/app/missing.js",
       }) {
    auto r = RawGet(target);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << target << ": " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("outside"), std::string::npos) << target;
  }
}

// Without a gallery, / is the page linking the documentation, still under
// the page's policy.
TEST_F(ApiTest, RootWithoutAGalleryLinksTheDocs) {
  auto r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("href=\"/docs\""), std::string::npos);
  EXPECT_FALSE(r->get_header_value("Content-Security-Policy").empty());
  for (const char* path : {"/app/index.html", "/app/vendor/lit/index.js"}) {
    auto app = client_->Get(path);
    ASSERT_TRUE(app);
    EXPECT_EQ(app->status, 404) << path;
  }
}

}  // namespace
}  // namespace octopus::http
