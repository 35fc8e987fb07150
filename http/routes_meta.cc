// GET /about (a page for people), /health (also under /api/v1), /openapi.json
// and /docs.
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

// Where to go from here: at /about, and at / when there is no web gallery.
constexpr const char* kHomePage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Octopus Photos</title></head>
<body><h1>Octopus Photos</h1>
<p>This server speaks a JSON API under <code>/api/v1</code>; log in at
<code>POST /api/v1/auth/login</code> for a bearer token.</p>
<ul>
<li><a href="/docs">API documentation</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/api/v1/health">Health</a></li>
</ul>
<p>Your photos are also a folder: see <code>octopus mount</code>.</p>
</body></html>
)";

}  // namespace

void SendHtml(httplib::Response& res, const std::string& page) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(page, "text/html; charset=utf-8");
}

const char* HomePage() { return kHomePage; }

void AddMetaRoutes(RouteTable& table, ServerState& state) {
  // "/" itself is the web gallery's (routes_web.cc), falling back to this
  // page when there is none; here it always stays reachable.
  table.Add({"GET", "/about", Access::kPublic,
             [](const httplib::Request&, httplib::Response& res, const Caller&) {
               SendHtml(res, kHomePage);
             },
             nullptr});
  // At the root for load balancers and scripts, and under /api/v1 beside
  // the rest of the API, where a client configured with the API's base
  // URL looks for it.
  for (const char* path : {"/health", "/api/v1/health"}) {
    table.Add({"GET", path, Access::kPublic,
               [](const httplib::Request&, httplib::Response& res, const Caller&) {
                 SendJson(res, 200, {{"status", "ok"}});
               },
               nullptr});
  }
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
               SendHtml(res, page);
             },
             nullptr, /*trailing_slash_too=*/true});
}

}  // namespace octopus::http
