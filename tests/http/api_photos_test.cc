// Photos through a real server: upload outcomes, listing, browsing,
// originals and thumbnails with their caching headers, rename and
// corrections, delete, and other users' ids.
#include <ctime>
#include <filesystem>
#include <set>

#include "core/file_util.h"
#include "core/grouping.h"
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

using testing::MakeJpeg;

class ApiPhotosTest : public ApiTest {};

API_TEST(ApiPhotosTest, UploadOneThenItsDuplicate) {
  const std::string token = NewUser("alice");
  const std::string jpeg = MakeJpeg(64, 48, 1);
  auto r = Upload(token, {{"beach.jpg", jpeg}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto record = Json(r);
  EXPECT_EQ(record["filename"], "beach.jpg");
  EXPECT_EQ(record["size"], jpeg.size());
  EXPECT_EQ(record["mime"], "image/jpeg");
  EXPECT_EQ(record["width"], 64);
  EXPECT_EQ(record["id"].get<std::string>().size(), 32u);
  EXPECT_FALSE(record.contains("duplicate"));

  auto dup = Upload(token, {{"again.jpg", jpeg}});
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 200) << dup->body;
  EXPECT_EQ(Json(dup)["duplicate"], true);
  EXPECT_EQ(Json(dup)["id"], record["id"]);
  const auto me = Me(token);
  EXPECT_EQ(me["photo_count"], 1);
  EXPECT_EQ(me["used_bytes"], jpeg.size());
  EXPECT_EQ(StagingFiles(), 0u);
}

API_TEST(ApiPhotosTest, UploadSeveralInOneRequest) {
  const std::string token = NewUser("alice");
  auto r = Upload(token, {{"a.jpg", MakeJpeg(64, 48, 1)},
                          {"b.jpg", MakeJpeg(64, 48, 2)},
                          {"c.jpg", MakeJpeg(64, 48, 3)}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto results = Json(r)["results"];
  ASSERT_EQ(results.size(), 3u);
  for (const auto& item : results) EXPECT_EQ(item["status"], 201);
  EXPECT_EQ(results[1]["result"]["filename"], "b.jpg");

  // Mixed outcomes: a duplicate and a text file next to a new photo.
  auto mixed = Upload(token, {{"a2.jpg", MakeJpeg(64, 48, 1)},
                              {"notes.txt", "hello, not a photo", "text/plain"},
                              {"d.jpg", MakeJpeg(64, 48, 4)}});
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->status, 207) << mixed->body;
  const auto m = Json(mixed)["results"];
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0]["status"], 200);
  EXPECT_EQ(m[0]["result"]["duplicate"], true);
  EXPECT_EQ(m[1]["status"], 415);
  EXPECT_EQ(m[1]["result"]["error"]["code"], "unsupported_media");
  EXPECT_EQ(m[2]["status"], 201);
  EXPECT_EQ(Me(token)["photo_count"], 4);
  EXPECT_EQ(StagingFiles(), 0u);
}

API_TEST(ApiPhotosTest, NotAnImageIs415AndStoresNothing) {
  const std::string token = NewUser("alice");
  auto r = Upload(token, {{"photo.jpg", "this is plain text pretending", "image/jpeg"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(ErrorCode(r), "unsupported_media");
  auto truncated = Upload(token, {{"cut.jpg", MakeJpeg(64, 48, 9).substr(0, 200)}});
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->status, 415) << truncated->body;
  EXPECT_EQ(Me(token)["photo_count"], 0);
  EXPECT_EQ(Me(token)["used_bytes"], 0);
  EXPECT_EQ(StagingFiles(), 0u);
}

API_TEST(ApiPhotosTest, QuotaAtTheBoundaryThenPurgeFreesIt) {
  const std::string token = NewUser("alice");
  const std::string a = MakeJpeg(64, 48, 1);
  const std::string b = MakeJpeg(64, 48, 2);
  ASSERT_TRUE(library_->SetQuota("alice", static_cast<std::int64_t>(a.size() + b.size()) - 1).ok());
  auto first = Upload(token, {{"a.jpg", a}});
  ASSERT_EQ(first->status, 201) << first->body;
  auto over = Upload(token, {{"b.jpg", b}});
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 507) << over->body;
  EXPECT_EQ(ErrorCode(over), "quota_exceeded");
  EXPECT_EQ(Me(token)["photo_count"], 1);
  EXPECT_EQ(StagingFiles(), 0u);

  const std::string id = Json(first)["id"];
  auto del = client_->Delete(("/api/v1/photos/" + id).c_str(), Bearer(token));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  // In the trash it still counts (as in Immich): its bytes are still stored.
  EXPECT_EQ(Me(token)["used_bytes"], a.size());
  EXPECT_EQ(Upload(token, {{"b.jpg", b}})->status, 507);
  auto purge = client_->Delete(("/api/v1/trash/" + id).c_str(), Bearer(token));
  ASSERT_TRUE(purge);
  EXPECT_EQ(purge->status, 204);
  EXPECT_EQ(Me(token)["used_bytes"], 0);
  EXPECT_EQ(Get("/api/v1/photos/" + id, token)->status, 404);
  auto fits = Upload(token, {{"b.jpg", b}});
  EXPECT_EQ(fits->status, 201) << "the freed quota is usable again";

  // Exactly at the limit is allowed.
  ASSERT_TRUE(library_->SetQuota("alice", static_cast<std::int64_t>(a.size() + b.size())).ok());
  EXPECT_EQ(Upload(token, {{"a.jpg", a}})->status, 201);
  EXPECT_EQ(Upload(token, {{"c.jpg", MakeJpeg(64, 48, 3)}})->status, 507);
}

class ApiSmallUploadTest : public ApiPhotosTest {
 public:
  ApiSmallUploadTest() { settings_["OCTOPUS_MAX_UPLOAD"] = "20K"; }
};

TEST_F(ApiSmallUploadTest, TooLargeIs413AndStoresNothing) {
  const std::string token = NewUser("alice");
  const std::string big = MakeJpeg(1200, 900, 5, 95);
  ASSERT_GT(big.size(), 20'000u);
  auto r = Upload(token, {{"big.jpg", big}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_EQ(ErrorCode(r), "too_large");
  EXPECT_EQ(Me(token)["photo_count"], 0);
  EXPECT_EQ(StagingFiles(), 0u);
  // The connection is still usable and small files pass.
  EXPECT_EQ(Upload(token, {{"small.jpg", MakeJpeg(64, 48, 6)}})->status, 201);
}

API_TEST(ApiPhotosTest, MalformedUploadsAre400) {
  const std::string token = NewUser("alice");
  auto not_multipart =
      client_->Post("/api/v1/photos", Bearer(token), MakeJpeg(64, 48, 1), "image/jpeg");
  ASSERT_TRUE(not_multipart);
  EXPECT_EQ(not_multipart->status, 400);
  EXPECT_EQ(ErrorCode(not_multipart), "bad_request");

  auto garbage = client_->Post("/api/v1/photos", Bearer(token), "--x\r\ngarbage without end",
                               "multipart/form-data; boundary=x");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400) << garbage->body;

  auto no_boundary =
      client_->Post("/api/v1/photos", Bearer(token), "whatever", "multipart/form-data");
  ASSERT_TRUE(no_boundary);
  EXPECT_EQ(no_boundary->status, 400);

  httplib::MultipartFormDataItems other_field = {{"comment", "hello", "", "text/plain"}};
  auto no_file = client_->Post("/api/v1/photos", Bearer(token), other_field);
  ASSERT_TRUE(no_file);
  EXPECT_EQ(no_file->status, 400);
  EXPECT_EQ(Me(token)["photo_count"], 0);
  EXPECT_EQ(StagingFiles(), 0u);

  auto anonymous =
      client_->Post("/api/v1/photos",
                    httplib::MultipartFormDataItems{{"file", MakeJpeg(64, 48, 1), "a.jpg", ""}});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

API_TEST(ApiPhotosTest, HostileFileNamesAreStoredSafely) {
  const std::string token = NewUser("alice");
  const std::vector<std::string> names = {"../../../../tmp/escape.jpg",
                                          "..",
                                          "a/b\\c.jpg",
                                          std::string("ctl\x01\x1b[31m\x7f.jpg"),
                                          std::string(1000, 'n') + ".jpg",
                                          "bad\xff\xfeutf8.jpg",
                                          "quote\"semi;colon.jpg",
                                          "cr\r\nlf.jpg",
                                          std::string("nul\0byte.jpg", 12)};
  int seed = 100;
  for (const std::string& name : names) {
    auto r = Upload(token, {{name, MakeJpeg(32, 32, ++seed)}});
    ASSERT_TRUE(r) << name;
    // The multipart header may be refused whole (400); if accepted, the
    // stored name must be safe.
    if (r->status == 400) continue;
    ASSERT_EQ(r->status, 201) << name << ": " << r->body;
    const auto record = Json(r);
    ASSERT_TRUE(record.is_object()) << "the record is valid JSON even for invalid UTF-8";
    const std::string stored = record["filename"];
    EXPECT_EQ(stored.find('/'), std::string::npos) << stored;
    EXPECT_NE(stored, "..");
    EXPECT_LE(stored.size(), 255u);
    for (unsigned char c : stored) EXPECT_GE(c, 0x20) << stored;
    auto original = Get("/api/v1/photos/" + record["id"].get<std::string>() + "/original", token);
    ASSERT_EQ(original->status, 200);
    const std::string disposition = original->get_header_value("Content-Disposition");
    EXPECT_EQ(disposition.find('\r'), std::string::npos);
    EXPECT_EQ(disposition.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/escape.jpg"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "tmp"));
}

API_TEST(ApiPhotosTest, ListingPagesWithACursor) {
  const std::string token = NewUser("alice");
  std::set<std::string> uploaded;
  for (int i = 0; i < 5; ++i) uploaded.insert(UploadJpeg(token, i)["id"].get<std::string>());
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  std::string previous_taken = "9999";
  do {
    std::string path = "/api/v1/photos?limit=2";
    if (!cursor.empty()) path += "&cursor=" + cursor;
    auto r = Get(path, token);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto page = Json(r);
    EXPECT_LE(page["photos"].size(), 2u);
    for (const auto& p : page["photos"]) {
      EXPECT_TRUE(seen.insert(p["id"].get<std::string>()).second) << "no photo twice";
      EXPECT_LE(p["taken_at"].get<std::string>(), previous_taken) << "newest first";
      previous_taken = p["taken_at"];
    }
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(seen, uploaded);
  EXPECT_EQ(pages, 3);

  EXPECT_EQ(Get("/api/v1/photos?limit=0", token)->status, 400);
  EXPECT_EQ(Get("/api/v1/photos?limit=abc", token)->status, 400);
  // Every malformed parameter is the request's fault, said the same way.
  EXPECT_EQ(Get("/api/v1/photos?cursor=zz", token)->status, 400);
  EXPECT_EQ(Get("/api/v1/photos?from=garbage", token)->status, 400);
  EXPECT_EQ(Get("/api/v1/photos?to=2024-02-30", token)->status, 400);
  auto capped = Get("/api/v1/photos?limit=100000", token);
  ASSERT_EQ(capped->status, 200);
  EXPECT_EQ(Json(capped)["photos"].size(), 5u);
  auto filtered = Get("/api/v1/photos?q=img3", token);
  ASSERT_EQ(filtered->status, 200);
  EXPECT_EQ(Json(filtered)["photos"].size(), 1u);
  auto empty = Get("/api/v1/photos?from=2999-01-01", token);
  EXPECT_EQ(Json(empty)["photos"].size(), 0u);
}

// Sums the counts of the leaves, which must equal the root's count.
std::int64_t CheckTree(const nlohmann::json& node, const FolderNode& expected) {
  EXPECT_EQ(node["count"], expected.count);
  EXPECT_EQ(node["folders"].size(), expected.children.size());
  for (const auto& child : node["folders"]) {
    const auto it = expected.children.find(child["name"]);
    EXPECT_NE(it, expected.children.end()) << child["name"];
    if (it != expected.children.end()) {
      CheckTree(child, it->second);
    }
  }
  return node["count"];
}

API_TEST(ApiPhotosTest, BrowseMatchesTheGroupingOfTheMount) {
  const std::string token = NewUser("alice");
  int uploaded = 0;
  for (const auto& file : testing::SamplePhotoFiles()) {
    auto r = Upload(token, {{file.filename().string(), testing::ReadFile(file)}});
    ASSERT_TRUE(r);
    if (r->status == 201) ++uploaded;
  }
  for (int i = 0; i < 3; ++i) {
    UploadJpeg(token, 50 + i);
    ++uploaded;
  }
  auto user = library_->FindUser("alice");
  ASSERT_TRUE(user.ok());
  auto photos = library_->AllPhotos(user->id);
  ASSERT_TRUE(photos.ok());
  for (const auto& [view, kind] : std::vector<std::pair<std::string, View>>{
           {"dates", View::kDate}, {"cameras", View::kCamera}, {"places", View::kPlace}}) {
    auto r = Get("/api/v1/browse/" + view, token);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto tree = Json(r);
    EXPECT_EQ(tree["view"], view);
    CheckTree(tree, GroupPhotos(*photos, kind));
    if (kind != View::kPlace) {
      EXPECT_EQ(tree["count"], uploaded) << view;
    }
  }
  // Another user sees an empty tree.
  const std::string bob = NewUser("bob");
  EXPECT_EQ(Json(Get("/api/v1/browse/dates", bob))["count"], 0);

  // Answers are kept until the photos change: revalidated for nothing,
  // then a new photo or a deletion shows at once, whoever made it.
  auto first = Get("/api/v1/browse/cameras", token);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Get("/api/v1/browse/cameras", token, {{"If-None-Match", etag}})->status, 304);
  EXPECT_NE(Get("/api/v1/browse/cameras", bob, {{"If-None-Match", etag}})->status, 304);
  UploadJpeg(token, 99);
  auto after = Get("/api/v1/browse/cameras", token, {{"If-None-Match", etag}});
  ASSERT_EQ(after->status, 200);
  EXPECT_NE(after->get_header_value("ETag"), etag);
  EXPECT_EQ(Json(after)["count"], uploaded + 1);
  const std::string one = library_->AllPhotos(user->id)->front().id;
  ASSERT_TRUE(library_->DeletePhoto(user->id, one).ok());  // not through the API
  EXPECT_EQ(Json(Get("/api/v1/browse/cameras", token))["count"], uploaded);
}

API_TEST(ApiPhotosTest, OriginalWithETagConditionalAndRange) {
  const std::string token = NewUser("alice");
  const std::string jpeg = MakeJpeg(64, 48, 7);
  const auto record = UploadJpeg(token, 7, "Café.jpg");
  const std::string id = record["id"];
  const std::string path = "/api/v1/photos/" + id + "/original";
  auto full = Get(path, token);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->status, 200);
  EXPECT_EQ(full->body, jpeg);
  const std::string etag = full->get_header_value("ETag");
  EXPECT_EQ(etag, "\"" + record["sha256"].get<std::string>() + "\"");
  EXPECT_EQ(full->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(full->get_header_value("Content-Length"), std::to_string(jpeg.size()));
  EXPECT_EQ(full->get_header_value("Accept-Ranges"), "bytes");
  // httplib's client percent-decodes header values as it parses them, so
  // the RFC 5987 value on the wire ("Caf%C3%A9.jpg") reads back decoded.
  EXPECT_EQ(full->get_header_value("Content-Disposition"),
            "attachment; filename=\"Caf__.jpg\"; filename*=UTF-8''Caf\xC3\xA9.jpg");

  auto cached = Get(path, token, {{"If-None-Match", etag}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->body.empty());
  EXPECT_EQ(Get(path, token, {{"If-None-Match", "\"other\""}})->status, 200);

  auto part = Get(path, token, {{"Range", "bytes=10-19"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, jpeg.substr(10, 10));
  EXPECT_EQ(part->get_header_value("Content-Range"), "bytes 10-19/" + std::to_string(jpeg.size()));
  auto tail = Get(path, token, {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, jpeg.substr(jpeg.size() - 5));
  auto beyond = Get(path, token, {{"Range", "bytes=" + std::to_string(jpeg.size()) + "-"}});
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(beyond->get_header_value("Content-Range"), "bytes */" + std::to_string(jpeg.size()));
  auto stale = Get(path, token, {{"Range", "bytes=0-9"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, jpeg);

  // An error body is never cut by a Range header.
  auto missing =
      Get("/api/v1/photos/" + std::string(32, '0') + "/original", token, {{"Range", "bytes=0-3"}});
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorCode(missing), "not_found");
}

API_TEST(ApiPhotosTest, ThumbnailsAreCacheable) {
  const std::string token = NewUser("alice");
  const std::string id = UploadJpeg(token, 8)["id"];
  for (const std::string size : {"small", "preview"}) {
    const std::string path = "/api/v1/photos/" + id + "/thumbnail?size=" + size;
    auto r = Get(path, token);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
    ASSERT_GE(r->body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(r->body[0]), 0xFF);
    EXPECT_EQ(static_cast<unsigned char>(r->body[1]), 0xD8);
    EXPECT_NE(r->get_header_value("Cache-Control").find("max-age=31536000"), std::string::npos);
    const std::string etag = r->get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(Get(path, token, {{"If-None-Match", etag}})->status, 304);
  }
  EXPECT_EQ(Get("/api/v1/photos/" + id + "/thumbnail", token)->status, 200);
  EXPECT_EQ(Get("/api/v1/photos/" + id + "/thumbnail?size=huge", token)->status, 400);
}

// The server keeps thumbnails in memory (core/thumbnail_cache.h); a photo
// deleted by another process must not be served from there.
API_TEST(ApiPhotosTest, ThumbnailOfAPhotoPurgedElsewhereIsGone) {
  const std::string token = NewUser("alice");
  const std::string gone = UploadJpeg(token, 21)["id"];
  const std::string kept = UploadJpeg(token, 22)["id"];
  auto thumbnail = [&](const std::string& id) {
    auto r = Get("/api/v1/photos/" + id + "/thumbnail?size=small", token);
    return r ? r->status : -1;
  };
  for (int i = 0; i < 2; ++i) {  // read, then served from the cache
    ASSERT_EQ(thumbnail(gone), 200);
    ASSERT_EQ(thumbnail(kept), 200);
  }
  // A second library on the same home, as the mount or the CLI holds.
  auto other = Library::Open(config_);
  ASSERT_TRUE(other.ok()) << other.status().message();
  auto alice = (*other)->FindUser("alice");
  ASSERT_TRUE(alice.ok());
  ASSERT_TRUE((*other)->DeletePhoto(alice->id, gone).ok());
  EXPECT_EQ(thumbnail(gone), 200) << "in the trash, still shown";
  ASSERT_TRUE((*other)->PurgePhoto(alice->id, gone).ok());
  EXPECT_EQ(thumbnail(gone), 404) << "purged elsewhere, served from the cache";
  EXPECT_EQ(thumbnail(kept), 200);
}

// Issue 15 (12): U+202E was kept in stored names, so "photo<RLO>gpj.exe"
// was shown as "photoexe.jpg" by every client of the API and by the mount.
API_TEST(ApiPhotosTest, InvisibleCharactersAreRemovedFromUploadedAndRenamedNames) {
  const std::string token = NewUser("alice");
  const auto uploaded = UploadJpeg(token, 31, "photo\u202Egpj.exe");
  ASSERT_TRUE(uploaded.is_object());
  EXPECT_EQ(uploaded["filename"], "photogpj.exe");
  const std::string id = uploaded["id"];
  auto renamed =
      client_->Patch(("/api/v1/photos/" + id).c_str(), Bearer(token),
                     nlohmann::json{{"filename", "\u2067Holi\u200Bday\u2069\u200F.jpg"}}.dump(),
                     "application/json");
  ASSERT_TRUE(renamed);
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(Json(renamed)["filename"], "Holiday.jpg");
  EXPECT_EQ(Json(Get("/api/v1/photos/" + id, token))["filename"], "Holiday.jpg");
  auto stored = library_->GetPhoto(library_->FindUser("alice")->id, id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->filename, "Holiday.jpg") << "removed from what is stored, not only shown";
}

API_TEST(ApiPhotosTest, RenameAndGet) {
  const std::string token = NewUser("alice");
  const std::string id = UploadJpeg(token, 9)["id"];
  auto r = client_->Patch(("/api/v1/photos/" + id).c_str(), Bearer(token),
                          R"({"filename":"Holiday.jpg"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["filename"], "Holiday.jpg");
  auto got = Get("/api/v1/photos/" + id, token);
  EXPECT_EQ(Json(got)["filename"], "Holiday.jpg");
  EXPECT_EQ(client_
                ->Patch(("/api/v1/photos/" + id).c_str(), Bearer(token), R"({"filename":1})",
                        "application/json")
                ->status,
            400);
  EXPECT_EQ(
      client_->Patch(("/api/v1/photos/" + id).c_str(), Bearer(token), "{oops", "application/json")
          ->status,
      400);
}

// Issue 16, item 11: "" became "_", "   " was accepted, unknown members
// were ignored. Each is now 422 and changes nothing.
API_TEST(ApiPhotosTest, PatchRefusesBlankNamesAndUnknownMembers) {
  const std::string token = NewUser("alice");
  const std::string id = UploadJpeg(token, 11)["id"];
  const std::string path = "/api/v1/photos/" + id;
  for (const char* body :
       {R"({"filename": ""})", R"({"filename": "   "})", R"({"filename": ".."})",
        R"({"name": "x.jpg"})", R"({"filename": "x.jpg", "title": "Beach"})",
        R"({"place": {"country": "Italy", "zip": "00100"}})", "{}",
        R"({"taken_at": "2024-02-30T12:00:00"})", R"({"taken_at": "14/07/2024 18:30"})",
        R"({"taken_at": null})", R"({"place": {"city": "Rome"}})"}) {
    auto r = client_->Patch(path.c_str(), Bearer(token), body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body << ": " << r->body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument") << body;
  }
  const auto record = Json(Get(path, token));
  EXPECT_EQ(record["filename"], "img11.jpg");
  EXPECT_EQ(record["taken_at_estimated"], true);
  EXPECT_TRUE(record["place"].is_null());
}

// A photo without EXIF is corrected: capture time with its offset, then a
// place. It moves out of dates/unknown at once in /browse (whose answers
// are kept per feed position) and the listing's filters find it.
API_TEST(ApiPhotosTest, PatchCorrectsCaptureTimeAndPlace) {
  const std::string token = NewUser("alice");
  const std::string id = UploadJpeg(token, 12)["id"];
  const std::string path = "/api/v1/photos/" + id;
  const auto dates = [&] { return Json(Get("/api/v1/browse/dates", token)); };
  const auto folder_names = [](const nlohmann::json& tree) {
    std::set<std::string> names;
    for (const auto& f : tree["folders"]) names.insert(f["name"].get<std::string>());
    return names;
  };
  EXPECT_EQ(folder_names(dates()), std::set<std::string>{"unknown"});

  auto r = client_->Patch(path.c_str(), Bearer(token),
                          R"({"taken_at": "2024-07-14T18:30:00+02:00"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto record = Json(r);
  EXPECT_EQ(record["taken_at"], "2024-07-14T18:30:00");
  EXPECT_EQ(record["taken_at_offset"], "+02:00");
  EXPECT_EQ(record["taken_at_estimated"], false);
  EXPECT_EQ(record["filename"], "img12.jpg");
  EXPECT_EQ(folder_names(dates()), std::set<std::string>{"2024"});
  auto day = Json(Get("/api/v1/photos?from=2024-07-14&to=2024-07-14", token));
  ASSERT_EQ(day["photos"].size(), 1u);
  EXPECT_EQ(day["photos"][0]["id"], id);

  r = client_->Patch(path.c_str(), Bearer(token),
                     R"({"filename": "Rome.jpg", "place": {"country": "Italy", "country_code": "it",
                         "region": "Lazio", "city": "Rome"}})",
                     "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  record = Json(r);
  EXPECT_EQ(record["filename"], "Rome.jpg");
  EXPECT_EQ(record["taken_at"], "2024-07-14T18:30:00") << "kept";
  EXPECT_EQ(record["place"]["country"], "Italy");
  EXPECT_EQ(record["place"]["country_code"], "IT");
  EXPECT_EQ(record["place"]["city"], "Rome");
  EXPECT_EQ(Json(Get("/api/v1/photos?city=rome", token))["photos"].size(), 1u);
  EXPECT_EQ(Json(Get("/api/v1/browse/places", token))["count"], 1);

  r = client_->Patch(path.c_str(), Bearer(token), R"({"place": null})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Json(r)["place"].is_null());
  EXPECT_EQ(Json(Get("/api/v1/browse/places", token))["count"], 0);
}

// Issue 16, item 11: an upload of a photo without an EXIF date was dated
// by its arrival. A `last_modified` field before a file dates it, as a
// browser's File.lastModified or a time with its offset.
API_TEST(ApiPhotosTest, UploadTakesTheClientsLastModified) {
  const std::string token = NewUser("alice");
  httplib::MultipartFormDataItems items = {
      {"last_modified", "1721000000000", "", ""},
      {"file", MakeJpeg(64, 48, 21), "first.jpg", "image/jpeg"},
      {"file", MakeJpeg(64, 48, 22), "undated.jpg", "image/jpeg"},
      {"last_modified", "2023-01-02T03:04:05+01:00", "", ""},
      {"file", MakeJpeg(64, 48, 23), "third.jpg", "image/jpeg"},
  };
  auto r = client_->Post("/api/v1/photos", Bearer(token), items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto results = Json(r)["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["result"]["taken_at"], LocalTimeIso8601(1721000000));
  EXPECT_EQ(results[0]["result"]["taken_at_estimated"], true);
  EXPECT_EQ(results[2]["result"]["taken_at"], LocalTimeIso8601(1672625045));
  // The file without one is dated by its arrival, as before, not by the
  // field of the file before it.
  const std::string undated = results[1]["result"]["taken_at"];
  EXPECT_GE(undated, LocalTimeIso8601(std::time(nullptr) - 3600));

  // A malformed or misplaced field refuses the whole request: nothing stored.
  const std::vector<httplib::MultipartFormDataItems> refused = {
      {{"last_modified", "last tuesday", "", ""},
       {"file", MakeJpeg(64, 48, 24), "a.jpg", "image/jpeg"}},
      {{"file", MakeJpeg(64, 48, 25), "b.jpg", "image/jpeg"},
       {"last_modified", "1721000000000", "", ""}},
      {{"last_modified", "1721000000000", "", ""},
       {"last_modified", "1721000000000", "", ""},
       {"file", MakeJpeg(64, 48, 26), "c.jpg", "image/jpeg"}},
      {{"last_modified", std::string(100, '1'), "", ""},
       {"file", MakeJpeg(64, 48, 27), "d.jpg", "image/jpeg"}},
  };
  for (const auto& body : refused) {
    auto bad = client_->Post("/api/v1/photos", Bearer(token), body);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400) << bad->body;
    EXPECT_NE(Json(bad)["error"]["message"].get<std::string>().find("last_modified"),
              std::string::npos)
        << bad->body;
  }
  EXPECT_EQ(Me(token)["photo_count"], 3);
  EXPECT_EQ(StagingFiles(), 0u);
}

API_TEST(ApiPhotosTest, AnotherUsersPhotoIs404ForEveryVerb) {
  const std::string alice = NewUser("alice");
  const std::string bob = NewUser("bob");
  const std::string id = UploadJpeg(alice, 10)["id"];
  const std::string absent = std::string(32, 'a');
  for (const std::string& target : {id, absent}) {
    const std::string base = "/api/v1/photos/" + target;
    std::vector<httplib::Result> answers;
    answers.push_back(Get(base, bob));
    answers.push_back(Get(base + "/original", bob));
    answers.push_back(Get(base + "/original", bob, {{"Range", "bytes=0-1"}}));
    answers.push_back(Get(base + "/thumbnail?size=small", bob));
    answers.push_back(client_->Patch(base.c_str(), Bearer(bob), R"({"filename":"mine.jpg"})",
                                     "application/json"));
    answers.push_back(client_->Delete(base.c_str(), Bearer(bob)));
    for (const auto& a : answers) {
      ASSERT_TRUE(a);
      EXPECT_EQ(a->status, 404) << target;
      EXPECT_EQ(ErrorCode(a), "not_found");
      EXPECT_TRUE(a->get_header_value("ETag").empty()) << "no validator leaks";
    }
  }
  // Same bytes for an existing and an absent id: nothing to tell them apart.
  EXPECT_EQ(Get("/api/v1/photos/" + id, bob)->body, Get("/api/v1/photos/" + absent, bob)->body);
  auto still = Get("/api/v1/photos/" + id, alice);
  ASSERT_EQ(still->status, 200);
  EXPECT_EQ(Json(still)["filename"], "img10.jpg") << "the rename attempt changed nothing";
  EXPECT_EQ(Json(Get("/api/v1/photos", bob))["photos"].size(), 0u);
  // Bob uploading the same bytes gets his own copy, not a duplicate of hers.
  auto own = Upload(bob, {{"x.jpg", MakeJpeg(64, 48, 10)}});
  EXPECT_EQ(own->status, 201);
  EXPECT_NE(Json(own)["id"], id);
}

API_TEST(ApiPhotosTest, TrashListRestorePurgeAndEmpty) {
  const std::string alice = NewUser("alice");
  const std::string bob = NewUser("bob");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(UploadJpeg(alice, 30 + i)["id"]);
  auto del = [&](const std::string& id, const std::string& token) {
    return client_->Delete(("/api/v1/photos/" + id).c_str(), Bearer(token))->status;
  };
  for (const auto& id : ids) ASSERT_EQ(del(id, alice), 204);
  EXPECT_EQ(del(ids[0], alice), 404) << "in the trash already";
  EXPECT_EQ(Json(Get("/api/v1/photos", alice))["photos"].size(), 0u);
  auto trash = Json(Get("/api/v1/trash", alice));
  ASSERT_EQ(trash["photos"].size(), 3u);
  EXPECT_TRUE(trash["photos"][0]["trashed_at"].is_string());
  auto page = Json(Get("/api/v1/trash?limit=2", alice));
  EXPECT_EQ(page["photos"].size(), 2u);
  EXPECT_TRUE(page["next_cursor"].is_string());
  EXPECT_EQ(Get("/api/v1/trash?limit=x", alice)->status, 400);
  // Bob sees none of it and can touch none of it.
  EXPECT_EQ(Json(Get("/api/v1/trash", bob))["photos"].size(), 0u);
  auto restore = [&](const std::string& id, const std::string& token) {
    return client_->Post(("/api/v1/photos/" + id + "/restore").c_str(), Bearer(token), "",
                         "application/json");
  };
  EXPECT_EQ(restore(ids[0], bob)->status, 404);
  EXPECT_EQ(client_->Delete(("/api/v1/trash/" + ids[0]).c_str(), Bearer(bob))->status, 404);
  EXPECT_EQ(Json(client_->Delete("/api/v1/trash", Bearer(bob)))["purged"], 0);
  EXPECT_EQ(Json(Get("/api/v1/trash", alice))["photos"].size(), 3u);

  auto back = restore(ids[0], alice);
  ASSERT_EQ(back->status, 200) << back->body;
  EXPECT_TRUE(Json(back)["trashed_at"].is_null());
  EXPECT_EQ(restore(ids[0], alice)->status, 404) << "not in the trash";
  EXPECT_EQ(client_->Delete(("/api/v1/trash/" + ids[0]).c_str(), Bearer(alice))->status, 404)
      << "a photo of the library is never purged in one step";
  EXPECT_EQ(Json(Get("/api/v1/photos", alice))["photos"].size(), 1u);
  EXPECT_EQ(client_->Delete(("/api/v1/trash/" + ids[1]).c_str(), Bearer(alice))->status, 204);
  EXPECT_EQ(Json(client_->Delete("/api/v1/trash", Bearer(alice)))["purged"], 1);
  EXPECT_EQ(Json(Get("/api/v1/trash", alice))["photos"].size(), 0u);
  EXPECT_EQ(Me(alice)["photo_count"], 1);
  // Uploading bytes that are in the trash brings that photo back.
  ASSERT_EQ(del(ids[0], alice), 204);
  auto again = Upload(alice, {{"again.jpg", MakeJpeg(64, 48, 30)}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(Json(again)["id"], ids[0]);
  EXPECT_EQ(Json(again)["restored"], true);
  EXPECT_EQ(Json(Get("/api/v1/trash", alice))["photos"].size(), 0u);
}

// PostgreSQL stopped under a running server: requests that need the
// database get 503 with the error shape (never a 500, never a half-done
// upload), and once it is back the same server answers again.
class ApiRestartOnPostgres : public ApiPhotosTest {
 protected:
  ApiRestartOnPostgres() {
    backend_ = db::Backend::kPostgres;
    own_cluster_ = true;  // it stops the server
  }
};

TEST_F(ApiRestartOnPostgres, StoppedDatabaseIs503ThenRecovers) {
  const std::string token = NewUser("alice");
  const auto kept = UploadJpeg(token, 1);
  ASSERT_TRUE(kept.is_object());

  std::string why;
  ASSERT_TRUE(postgres_->Stop(&why)) << why;
  auto upload = Upload(token, {{"lost.jpg", MakeJpeg(64, 48, 2)}});
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 503) << upload->body;
  EXPECT_EQ(ErrorCode(upload), "busy") << upload->body;
  auto list = Get("/api/v1/photos", token);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 503) << list->body;
  auto removed =
      client_->Delete(("/api/v1/photos/" + kept["id"].get<std::string>()).c_str(), Bearer(token));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 503) << removed->body;
  auto login = LoginRaw("alice", "correct horse");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 503) << login->body;
  ASSERT_TRUE(postgres_->Restart(&why)) << why;

  // The first request may find its pooled connection dead (a 503; the pool
  // then drops the rest); every one after it is answered.
  (void)Get("/api/v1/users/me", token);
  const auto again = UploadJpeg(token, 2);
  ASSERT_TRUE(again.is_object());
  auto after = Get("/api/v1/photos", token);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(Json(after)["photos"].size(), 2u) << after->body;
  EXPECT_EQ(Me(token)["photo_count"], 2);
  EXPECT_EQ(StagingFiles(), 0u);
  auto report = library_->Fsck(false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& p : report->problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace octopus::http
