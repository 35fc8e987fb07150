// GET /health, /openapi.json and /docs.
#include <filesystem>

#include "http/error_map.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

std::string DocsPage(bool have_swagger_ui) {
  if (have_swagger_ui) {
    return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Octopus Photos API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"});
</script></body></html>
)";
  }
  return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Octopus Photos API</title></head>
<body><h1>Octopus Photos API</h1>
<p>The API is described by its OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a>.
Open it in any OpenAPI viewer. (This server shows an interactive page here when
the npm package <code>swagger-ui-dist</code> is installed; see the README.)</p>
</body></html>
)";
}

}  // namespace

void AddMetaRoutes(RouteTable& table, ServerState& state) {
  table.Add({"GET", "/health", Access::kPublic,
             [](const httplib::Request&, httplib::Response& res, const Caller&) {
               SendJson(res, 200, {{"status", "ok"}});
             },
             nullptr});
  const std::string document = OpenApiDocument().dump(2);
  table.Add({"GET", "/openapi.json", Access::kPublic,
             [document](const httplib::Request&, httplib::Response& res, const Caller&) {
               res.status = 200;
               res.set_content(document, "application/json");
             },
             nullptr});
  const bool swagger = !state.options.docs_dir.empty() &&
                       std::filesystem::exists(state.options.docs_dir / "swagger-ui-bundle.js");
  const std::string page = DocsPage(swagger);
  table.Add({"GET", "/docs", Access::kPublic,
             [page](const httplib::Request&, httplib::Response& res, const Caller&) {
               res.status = 200;
               res.set_header("Cache-Control", "no-cache");
               res.set_content(page, "text/html; charset=utf-8");
             },
             nullptr});
}

}  // namespace octopus::http
