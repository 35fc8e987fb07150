// The OpenAPI document against the server's route table, both ways, and
// through a real OpenAPI linter; the pages for people: /, /docs.
#include <set>

#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ApiTest, EveryRouteIsInTheOpenApiDocumentAndBack) {
  auto r = client_->Get("/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto doc = Json(r);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  const auto& paths = doc["paths"];
  std::set<std::pair<std::string, std::string>> routed;
  for (const RouteInfo& route : server_->routes()) {
    routed.insert({Lower(route.method), route.path});
    ASSERT_TRUE(paths.contains(route.path)) << route.path << " is not documented";
    EXPECT_TRUE(paths[route.path].contains(Lower(route.method)))
        << route.method << " " << route.path << " is not documented";
  }
  EXPECT_GE(routed.size(), 20u);
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(routed.count({method, path})) << method << " " << path << " is not served";
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
      // Path parameters named in the template are declared.
      for (std::size_t at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
        const std::string name = path.substr(at + 1, path.find('}', at) - at - 1);
        bool declared = false;
        for (const auto& p : op.value("parameters", nlohmann::json::array())) {
          declared |= p["in"] == "path" && p["name"] == name;
        }
        EXPECT_TRUE(declared) << method << " " << path << " does not declare " << name;
      }
    }
  }
  // Every $ref resolves.
  const std::string text = r->body;
  for (std::size_t at = text.find("#/components/schemas/"); at != std::string::npos;
       at = text.find("#/components/schemas/", at + 1)) {
    const auto start = at + std::string("#/components/schemas/").size();
    const std::string name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
}

// The document as served, through Redocly's linter (@redocly/cli, which
// tools/setup.sh installs into web/node_modules) with its recommended
// rules: not one error or warning (it found 24: operations without an
// operationId or a 4xx answer, no licence).
TEST_F(ApiTest, OpenApiDocumentPassesALinterWithoutAWarning) {
  const auto redocly =
      std::filesystem::path(OCTOPUS_SOURCE_DIR) / "web" / "node_modules" / ".bin" / "redocly";
  if (!std::filesystem::exists(redocly)) {
    GTEST_SKIP() << "the OpenAPI linter is not installed (no " << redocly.string()
                 << "): run tools/setup.sh, which installs @redocly/cli with npm";
  }
  auto r = client_->Get("/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  testing::WriteFile(dir_ / "openapi.json", r->body);
  // No telemetry, no update check: the test talks to nothing but itself.
  const auto lint =
      testing::RunCommand("cd " + testing::Quote(dir_.path().string()) +
                              " && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true " +
                              testing::Quote(redocly.string()) +
                              " lint --extends recommended --format json openapi.json 2>lint.log",
                          300);
  const auto report = nlohmann::json::parse(lint.output, nullptr, false);
  ASSERT_TRUE(report.is_object() && report.contains("totals"))
      << "exit " << lint.exit_code << ": " << lint.output << testing::ReadFile(dir_ / "lint.log");
  for (const auto& problem : report["problems"]) {
    ADD_FAILURE() << problem.value("severity", "") << " " << problem.value("ruleId", "") << " at "
                  << problem["location"][0].value("pointer", "") << ": "
                  << problem.value("message", "");
  }
  EXPECT_EQ(report["totals"]["errors"], 0);
  EXPECT_EQ(report["totals"]["warnings"], 0);
  EXPECT_EQ(lint.exit_code, 0) << testing::ReadFile(dir_ / "lint.log");
}

// Every path the README documents answers: the API's, the pages for
// people, /health at the root and under /api/v1 (a browser at / used to get
// a JSON 404, /api/v1/health and /docs/ were 404).
TEST_F(ApiTest, EveryDocumentedPathAnswers) {
  const std::string token = NewAdmin("alice");
  const std::string id = UploadJpeg(token, 1).value("id", "");
  ASSERT_FALSE(id.empty());
  struct Case {
    std::string path;
    std::string content_type;
  };
  for (const Case& c : std::vector<Case>{
           {"/", "text/html"},
           {"/about", "text/html"},
           {"/api/v1/auth/session", "application/json"},
           {"/health", "application/json"},
           {"/api/v1/health", "application/json"},
           {"/openapi.json", "application/json"},
           {"/docs", "text/html"},
           {"/docs/", "text/html"},
           {"/api/v1/users/me", "application/json"},
           {"/api/v1/photos", "application/json"},
           {"/api/v1/photos/" + id, "application/json"},
           {"/api/v1/photos/" + id + "/original", "image/jpeg"},
           {"/api/v1/photos/" + id + "/thumbnail", "image/jpeg"},
           {"/api/v1/photos/" + id + "/thumbnail?size=preview", "image/jpeg"},
           {"/api/v1/browse/dates", "application/json"},
           {"/api/v1/browse/cameras", "application/json"},
           {"/api/v1/browse/places", "application/json"},
           {"/api/v1/admin/users", "application/json"},  // alice is an admin
       }) {
    auto r = Get(c.path, token);
    ASSERT_TRUE(r) << c.path;
    EXPECT_EQ(r->status, 200) << c.path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type").rfind(c.content_type, 0), 0u)
        << c.path << ": " << r->get_header_value("Content-Type");
  }
  // The page at / leads to the documentation and the API.
  auto home = client_->Get("/");
  ASSERT_TRUE(home);
  for (const char* link : {"href=\"/docs\"", "href=\"/openapi.json\"", "href=\"/api/v1/health\""}) {
    EXPECT_NE(home->body.find(link), std::string::npos) << link;
  }
  EXPECT_EQ(Json(client_->Get("/api/v1/health")), nlohmann::json({{"status", "ok"}}));
  // Still a JSON 404 elsewhere, a trailing slash included where none is
  // offered.
  for (const char* path : {"/nope", "/api/v1/health/", "/docs//", "/api/v1"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(ErrorCode(r), "not_found") << path;
  }
}

TEST_F(ApiTest, DocsPageWithoutSwaggerUiLinksTheDocument) {
  auto r = client_->Get("/docs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(r->body.find("/openapi.json"), std::string::npos);
  EXPECT_EQ(r->body.find("swagger-ui-bundle.js"), std::string::npos);
}

class ApiSwaggerTest : public ApiTest {
 public:
  ApiSwaggerTest() {
    std::filesystem::create_directories(dir_ / "swagger");
    testing::WriteFile(dir_ / "swagger" / "swagger-ui-bundle.js", "/* bundle */");
    testing::WriteFile(dir_ / "swagger" / "swagger-ui.css", "/* css */");
    options_.docs_dir = dir_ / "swagger";
  }
};

TEST_F(ApiSwaggerTest, DocsPageServesSwaggerUi) {
  auto r = client_->Get("/docs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("/docs/assets/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_NE(r->body.find("/openapi.json"), std::string::npos);
  auto asset = client_->Get("/docs/assets/swagger-ui-bundle.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "/* bundle */");
  EXPECT_EQ(client_->Get("/docs/assets/../../home/.env")->status, 404)
      << "the asset folder does not reach outside";
}

}  // namespace
}  // namespace octopus::http
