// Photos of the caller: list, get, original, thumbnail, correct (rename,
// capture time, place), delete.
// Every lookup goes through the library's owner-scoped calls, so another
// user's id is "not found" for every verb here.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "core/file_util.h"
#include "core/photo_json.h"
#include "http/error_map.h"
#include "http/request_bodies.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// Where a trusted nginx front finds `blob`, for X-Accel-Redirect: only when
// OCTOPUS_ACCEL_REDIRECT names its internal location and this request came
// from an address of OCTOPUS_TRUSTED_PROXIES, so that a client reaching the
// server directly always gets the bytes, never an empty body. The front
// maps <prefix><path> with Range support and <prefix>whole/<path> without
// (deploy/nginx/octopus-photos.conf): `ranges` false when we decided to
// ignore the request's Range, so that nginx does too.
std::optional<std::string> AccelLocation(const ServerState& state, const httplib::Request& req,
                                         const std::filesystem::path& blob, bool ranges) {
  const std::string& prefix = state.config.accel_redirect;
  if (prefix.empty() || !state.trusted_proxies.Contains(req.remote_addr)) return std::nullopt;
  const std::filesystem::path relative = blob.lexically_relative(state.config.storage_dir());
  if (relative.empty() || *relative.begin() == "..") return std::nullopt;
  return prefix + (ranges ? "" : "whole/") + relative.generic_string();
}

// Hands the body to the front: headers as for the bytes (nginx keeps
// Content-Type, Content-Disposition, Cache-Control and Accept-Ranges of an
// X-Accel-Redirect response, and the shipped location adds back ETag and
// the rest); nginx computes the length and Content-Range.
void SendAccel(httplib::Response& res, const std::string& location, const std::string& mime) {
  res.status = 200;
  res.set_header("Content-Type", mime);
  res.set_header("X-Accel-Redirect", location);
}

void ListPhotos(ServerState& state, const httplib::Request& req, httplib::Response& res,
                const Caller& caller) {
  PhotoQuery q;
  q.from = req.get_param_value("from");
  q.to = req.get_param_value("to");
  q.camera = req.get_param_value("camera");
  q.country = req.get_param_value("country");
  q.region = req.get_param_value("region");
  q.city = req.get_param_value("city");
  q.text = req.get_param_value("q");
  q.cursor = req.get_param_value("cursor");
  const std::optional<int> limit = PageLimit(state, req, res);
  if (!limit) return;
  q.limit = *limit;
  // Malformed parameters are the request's fault, like a bad limit: 400.
  if (Status bad = ValidatePhotoQuery(q); !bad.ok()) {
    return SendError(res, 400, "bad_request", bad.message());
  }
  auto page = state.library.ListPhotos(caller.user.id, q);
  if (!page.ok()) return SendStatus(res, page.status());
  SendPhotoPage(res, *page);
}

// Serves `length` bytes of the open file from `offset` without holding the
// file in memory. The descriptor lives as long as the response.
void ServeFileRange(httplib::Response& res, std::shared_ptr<UniqueFd> fd, std::int64_t offset,
                    std::int64_t length, const std::string& mime) {
  res.set_content_provider(static_cast<std::size_t>(length), mime,
                           [fd, offset](std::size_t at, std::size_t want, httplib::DataSink& sink) {
                             char buffer[kChunkBytes];
                             const std::size_t n = std::min(want, sizeof buffer);
                             ssize_t got;
                             do {
                               got = ::pread(fd->get(), buffer, n, static_cast<off_t>(offset + at));
                             } while (got < 0 && errno == EINTR);
                             if (got <= 0) return false;  // the connection is closed mid-body
                             return sink.write(buffer, static_cast<std::size_t>(got));
                           });
}

void GetOriginal(ServerState& state, const httplib::Request& req, httplib::Response& res,
                 const Caller& caller) {
  auto photo = state.library.GetPhoto(caller.user.id, PathParam(req, 0));
  if (!photo.ok()) return SendStatus(res, photo.status());
  const std::string etag = Quoted(photo->sha256);
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "private, max-age=0, must-revalidate");
  res.set_header("Accept-Ranges", "bytes");
  if (req.has_header("If-None-Match") && EtagMatches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  const auto path = state.library.OriginalPath(*photo);
  auto fd = std::make_shared<UniqueFd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!*fd || ::fstat(fd->get(), &st) != 0 || st.st_size != photo->size) {
    return SendStatus(
        res, Status::Corrupt("original of " + photo->id + " unreadable at " + path.string()));
  }
  const std::int64_t size = photo->size;
  ByteRange range;
  RangeKind kind = RangeKind::kWhole;
  if (req.has_header("Range")) {
    // If-Range with another validator: the client's part is stale, send all.
    const bool current = !req.has_header("If-Range") || req.get_header_value("If-Range") == etag;
    if (current) kind = ParseRange(req.get_header_value("Range"), size, &range);
  }
  res.set_header("Content-Disposition", ContentDisposition("attachment", photo->filename));
  if (kind == RangeKind::kUnsatisfiable) {
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    return SendError(res, 416, "range_not_satisfiable", "range not satisfiable");
  }
  // A Range we ignore (several ranges, a stale If-Range, bad syntax) must
  // not be applied by nginx either; without one, nginx's Accept-Ranges is
  // what we send.
  const bool ranges = kind == RangeKind::kPartial || !req.has_header("Range");
  if (auto location = AccelLocation(state, req, path, ranges)) {
    // nginx says Accept-Ranges itself on a whole answer from the location
    // that applies ranges; ours would make two.
    if (!req.has_header("Range")) res.headers.erase("Accept-Ranges");
    return SendAccel(res, *location, photo->meta.mime);
  }
  if (kind == RangeKind::kPartial) {
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.last) + "/" + std::to_string(size));
    return ServeFileRange(res, std::move(fd), range.first, range.length(), photo->meta.mime);
  }
  res.status = 200;
  ServeFileRange(res, std::move(fd), 0, size, photo->meta.mime);
}

void GetThumbnail(ServerState& state, const httplib::Request& req, httplib::Response& res,
                  const Caller& caller) {
  ThumbnailSize size = ThumbnailSize::kSmall;
  const std::string name = req.has_param("size") ? req.get_param_value("size") : "small";
  if (name == "preview") {
    size = ThumbnailSize::kPreview;
  } else if (name != "small") {
    return SendError(res, 400, "bad_request", "size must be small or preview");
  }
  auto thumbnail = state.library.ReadThumbnail(caller.user.id, PathParam(req, 0), size);
  if (!thumbnail.ok()) return SendStatus(res, thumbnail.status());
  const std::string etag = Quoted((*thumbnail)->sha256 + "-" + name);
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "private, max-age=31536000, immutable");
  if (req.has_header("If-None-Match") && EtagMatches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  Photo blob;  // what names the thumbnail's file: its owner and content
  blob.owner = caller.user.id;
  blob.sha256 = (*thumbnail)->sha256;
  if (auto location = AccelLocation(state, req, state.library.ThumbnailPath(blob, size), false)) {
    return SendAccel(res, *location, "image/jpeg");
  }
  res.status = 200;
  res.body = (*thumbnail)->jpeg;
  res.set_header("Content-Type", "image/jpeg");
}

// Renames, or corrects what the camera got wrong: capture time, place.
void PatchPhoto(ServerState& state, const httplib::Request& req, httplib::Response& res,
                const Caller& caller) {
  PhotoPatchRequest request;
  HttpError error;
  if (!ParsePhotoPatchRequest(req.body, &request, &error)) return SendError(res, error);
  auto photo = state.library.CorrectPhoto(caller.user.id, PathParam(req, 0), request.edit);
  if (!photo.ok()) return SendStatus(res, photo.status());
  SendJson(res, 200, PhotoToJson(*photo));
}

}  // namespace

std::optional<int> PageLimit(const ServerState& state, const httplib::Request& req,
                             httplib::Response& res) {
  if (!req.has_param("limit")) return state.options.default_page_size;
  const std::string v = req.get_param_value("limit");
  int limit = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
  if (ec != std::errc() || p != v.data() + v.size() || limit < 1) {
    SendError(res, 400, "bad_request", "limit must be a positive integer");
    return std::nullopt;
  }
  return std::min(limit, state.options.max_page_size);
}

void SendPhotoPage(httplib::Response& res, const PhotoPage& page) {
  nlohmann::json photos = nlohmann::json::array();
  for (const Photo& p : page.photos) photos.push_back(PhotoToJson(p));
  SendJson(res, 200,
           {{"photos", std::move(photos)},
            {"next_cursor", page.next_cursor.empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json(page.next_cursor)}});
}

void AddPhotoRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"GET", "/api/v1/photos", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               ListPhotos(*s, req, res, c);
             },
             nullptr});
  table.Add({"GET", "/api/v1/photos/{id}", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               auto photo = s->library.GetPhoto(c.user.id, PathParam(req, 0));
               if (!photo.ok()) return SendStatus(res, photo.status());
               SendJson(res, 200, PhotoToJson(*photo));
             },
             nullptr});
  table.Add({"GET", "/api/v1/photos/{id}/original", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               GetOriginal(*s, req, res, c);
             },
             nullptr});
  table.Add({"GET", "/api/v1/photos/{id}/thumbnail", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               GetThumbnail(*s, req, res, c);
             },
             nullptr});
  table.Add({"PATCH", "/api/v1/photos/{id}", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               PatchPhoto(*s, req, res, c);
             },
             nullptr});
  table.Add({"DELETE", "/api/v1/photos/{id}", Access::kUser,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c) {
               if (Status st = s->library.DeletePhoto(c.user.id, PathParam(req, 0)); !st.ok()) {
                 return SendStatus(res, st);
               }
               res.status = 204;
             },
             nullptr});
}

}  // namespace octopus::http
