// The OpenAPI document against the server's route table, both ways, and
// the /docs page.
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
