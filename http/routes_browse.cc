// GET /browse/dates|cameras|places: the mount's folder tree with counts,
// from the folder counts core keeps in step with every change (grouped by
// the one function in core/grouping, as the mount's folders are).
#include "core/grouping.h"
#include "http/error_map.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

nlohmann::json FolderJson(const std::string& name, const FolderNode& node) {
  nlohmann::json children = nlohmann::json::array();
  for (const auto& [child_name, child] : node.children) {
    children.push_back(FolderJson(child_name, child));
  }
  return {{"name", name}, {"count", node.count}, {"folders", std::move(children)}};
}

void AddBrowse(RouteTable& table, ServerState& state, const std::string& name, View view) {
  ServerState* s = &state;
  table.Add({"GET", "/api/v1/browse/" + name, Access::kUser,
             [s, name, view](const httplib::Request&, httplib::Response& res, const Caller& c) {
               auto folders = s->library.Folders(c.user.id, view);
               if (!folders.ok()) return SendStatus(res, folders.status());
               nlohmann::json tree = FolderJson(name, *folders);
               tree["view"] = name;
               SendJson(res, 200, tree);
             },
             nullptr});
}

}  // namespace

void AddBrowseRoutes(RouteTable& table, ServerState& state) {
  AddBrowse(table, state, "dates", View::kDate);
  AddBrowse(table, state, "cameras", View::kCamera);
  AddBrowse(table, state, "places", View::kPlace);
}

}  // namespace octopus::http
