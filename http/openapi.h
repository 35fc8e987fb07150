// The OpenAPI 3.1 description of the API, served at /openapi.json. Written
// by hand, apart from the route table; tests/http/openapi_test.cc checks
// that the two agree.
#pragma once

#include <nlohmann/json.hpp>

namespace octopus::http {

nlohmann::json OpenApiDocument();

}  // namespace octopus::http
