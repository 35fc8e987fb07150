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
             [s, name, view](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               // Read before the folders: a change after it moves the head,
               // so an answer is never kept under a newer position than its
               // own.
               auto position = s->library.ChangeFeedPosition(c.user.id);
               if (!position.ok()) return SendStatus(res, position.status());
               // Characters, not one-character strings, before a temporary:
               // GCC 12 at -O3 reports a false -Wrestrict on "\"" + std::string
               // (GCC bug 105329), and Release builds with -Werror.
               const std::string etag =
                   '"' + std::to_string(c.user.id) + '-' + std::to_string(position->head) + '"';
               res.set_header("ETag", etag);
               res.set_header("Cache-Control", "private, no-cache");
               if (req.has_header("If-None-Match") &&
                   EtagMatches(req.get_header_value("If-None-Match"), etag)) {
                 res.status = 304;
                 return;
               }
               const int key = static_cast<int>(view);
               auto body = s->browse.Find(c.user.id, key, position->head);
               if (!body) {
                 auto folders = s->library.Folders(c.user.id, view);
                 if (!folders.ok()) return SendStatus(res, folders.status());
                 nlohmann::json tree = FolderJson(name, *folders);
                 tree["view"] = name;
                 body = std::make_shared<const std::string>(
                     tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
                 s->browse.Insert(c.user.id, key, position->head, body);
               }
               res.status = 200;
               res.set_content(*body, "application/json");
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
