// The caller's trash: what DELETE /photos/{id} (or rm in the mount) moved
// there, restorable until purged. GET /trash lists it, most recently
// trashed first; POST /photos/{id}/restore brings one back; DELETE
// /trash/{id} purges one and DELETE /trash all of them, for good.
#include "core/photo_json.h"
#include "http/error_map.h"
#include "http/routes.h"

namespace octopus::http {

void AddTrashRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"GET", "/api/v1/trash", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               const std::optional<int> limit = PageLimit(*s, req, res);
               if (!limit) return;
               auto page = s->library.ListTrash(c.user.id, *limit, req.get_param_value("cursor"));
               if (!page.ok()) {
                 if (page.status().code() == Code::kInvalidArgument) {
                   return SendError(res, 400, "bad_request", page.status().message());
                 }
                 return SendStatus(res, page.status());
               }
               SendPhotoPage(res, *page);
             },
             nullptr});
  table.Add({"POST", "/api/v1/photos/{id}/restore", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               auto photo = s->library.RestorePhoto(c.user.id, PathParam(req, 0));
               if (!photo.ok()) return SendStatus(res, photo.status());
               SendJson(res, 200, PhotoToJson(*photo));
             },
             nullptr});
  table.Add({"DELETE", "/api/v1/trash/{id}", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               // Only what is in the trash: purging is never one step from
               // the library.
               auto photo = s->library.GetPhoto(c.user.id, PathParam(req, 0));
               if (!photo.ok()) return SendStatus(res, photo.status());
               if (!photo->trashed_at) {
                 return SendStatus(res, Status::NotFound("no such photo in the trash"));
               }
               if (Status st = s->library.PurgePhoto(c.user.id, photo->id); !st.ok()) {
                 return SendStatus(res, st);
               }
               res.status = 204;
             },
             nullptr});
  table.Add({"DELETE", "/api/v1/trash", Access::kUser,
             [s](const httplib::Request&, httplib::Response& res, const Caller& c) {
               auto purged = s->library.EmptyTrash(c.user.id);
               if (!purged.ok()) return SendStatus(res, purged.status());
               SendJson(res, 200, {{"purged", *purged}});
             },
             nullptr});
}

}  // namespace octopus::http
