// Every route of the server's own route table, probed with every kind of bad
// credential, every admin route with a user's token, and every photo route
// with another user's token on each of alice's photos. A route added later
// is probed without touching this file. Afterwards alice's photos must be
// exactly as they were.
#include <cstdio>
#include <map>

#include "http/jwt.h"
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

constexpr int kAlicePhotos = 3;

class AuthProbeTest : public ApiTest {
 protected:
  struct Probe {
    std::string what;
    std::string method;
    std::string path;         // concrete, with a query when needed
    std::string token;        // empty: no Authorization header
    bool raw_header = false;  // `token` is the whole Authorization value
    std::string id;           // the photo id in `path`, if any
  };

  httplib::Result Send(const Probe& p) {
    httplib::Headers headers;
    if (p.raw_header) {
      headers.emplace("Authorization", p.token);
    } else if (!p.token.empty()) {
      headers.emplace("Authorization", "Bearer " + p.token);
    }
    if (p.method == "GET") return client_->Get(p.path.c_str(), headers);
    if (p.method == "DELETE") return client_->Delete(p.path.c_str(), headers);
    if (p.method == "POST" && p.path == "/api/v1/photos") {
      // A real photo, so that an upload that got through would be visible.
      httplib::MultipartFormDataItems items = {
          {"file", testing::MakeJpeg(32, 32, 999), "probe.jpg", "image/jpeg"}};
      return client_->Post(p.path.c_str(), headers, items);
    }
    // A body each JSON route would act on if the caller were let through.
    // PATCH /photos/{id} refuses members it does not know (422 before the
    // photo is looked up), so it gets only its own.
    const bool photo_patch = p.method == "PATCH" && p.path.rfind("/api/v1/photos/", 0) == 0;
    const std::string body = photo_patch ? nlohmann::json{{"filename", "probed.jpg"}}.dump()
                                         : nlohmann::json{{"username", "probe"},
                                                          {"password", "probe password"},
                                                          {"current_password", "correct horse"},
                                                          {"new_password", "probe password"},
                                                          {"filename", "probed.jpg"},
                                                          {"disabled", true},
                                                          {"quota_bytes", 1}}
                                               .dump();
    if (p.method == "POST") return client_->Post(p.path.c_str(), headers, body, "application/json");
    if (p.method == "PATCH") {
      return client_->Patch(p.path.c_str(), headers, body, "application/json");
    }
    if (p.method == "PUT") return client_->Put(p.path.c_str(), headers, body, "application/json");
    ADD_FAILURE() << "no way to send " << p.method;
    return httplib::Result{nullptr, httplib::Error::Unknown};
  }

  // A path of `route` with its parameters filled in: `id` for {id}, alice
  // for {name}.
  static std::string Fill(const std::string& route, const std::string& id) {
    std::string out;
    for (std::size_t i = 0; i < route.size(); ++i) {
      if (route[i] != '{') {
        out += route[i];
        continue;
      }
      const std::size_t end = route.find('}', i);
      const std::string param = route.substr(i + 1, end - i - 1);
      out += param == "name" ? "alice" : id;
      i = end;
    }
    return out;
  }
  // The requests one route stands for: its thumbnails come in two sizes.
  static std::vector<std::string> Variants(const std::string& path) {
    if (path.size() >= 10 && path.compare(path.size() - 10, 10, "/thumbnail") == 0) {
      return {path + "?size=small", path + "?size=preview"};
    }
    return {path};
  }
};

TEST_F(AuthProbeTest, EveryRouteRefusesEveryBadCredential) {
  // The people: root (admin), alice (the victim), bob (another user),
  // carol (disabled), dave (removed).
  const std::string root = NewAdmin("root");
  const std::string alice = NewUser("alice");
  const std::string bob = NewUser("bob");
  const std::string carol = NewUser("carol");
  const std::string dave = NewUser("dave");
  ASSERT_FALSE(root.empty() || alice.empty() || bob.empty() || carol.empty() || dave.empty());
  std::vector<std::string> ids;
  std::vector<std::string> originals;
  for (int i = 0; i < kAlicePhotos; ++i) {
    originals.push_back(testing::MakeJpeg(64, 48, 40 + i));
    auto r = Upload(alice, {{"alice" + std::to_string(i) + ".jpg", originals.back()}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    ids.push_back(Json(r)["id"]);
  }
  const auto alice_before = Json(Get("/api/v1/users/me", alice));

  // The bad credentials, each one refused with 401.
  const std::string revoked = Login("alice", "correct horse");
  ASSERT_EQ(client_->Post("/api/v1/auth/logout", Bearer(revoked), "", "application/json")->status,
            204);
  ASSERT_TRUE(library_->ChangeUser("carol", {.disabled = true}).ok());
  ASSERT_TRUE(library_->RemoveUser("dave").ok());
  const auto dot1 = alice.find('.');
  const auto dot2 = alice.rfind('.');
  std::string payload;
  ASSERT_TRUE(Base64UrlDecode(alice.substr(dot1 + 1, dot2 - dot1 - 1), &payload));
  const auto claims_json = nlohmann::json::parse(payload);
  const JwtClaims claims{claims_json["sub"], claims_json["iat"], claims_json["exp"],
                         claims_json["jti"]};
  JwtClaims old = claims;
  old.exp = NowSeconds() - 60;
  old.iat = old.exp - 3600;
  struct BadCredential {
    std::string what;
    std::string token;
    bool raw_header = false;
  };
  const std::vector<BadCredential> bad = {
      {"no token", ""},
      {"malformed token", "not.a.token"},
      {"not a bearer token", "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", true},
      {"alg none", Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                       alice.substr(dot1 + 1, dot2 - dot1 - 1) + "."},
      {"another key", SignJwt(claims, "a key that is not the server's secret key")},
      {"expired", SignJwt(old, config_.secret_key)},
      {"revoked", revoked},
      {"disabled user", carol},
      {"removed user", dave},
  };

  const std::vector<RouteInfo> routes = server_->routes();
  std::size_t protected_routes = 0, admin_routes = 0, photo_requests = 0;
  std::vector<Probe> probes;
  const std::string some_id = ids[0];
  for (const RouteInfo& route : routes) {
    if (!route.needs_token) continue;
    ++protected_routes;
    for (const std::string& path : Variants(Fill(route.path, some_id))) {
      for (const BadCredential& b : bad) {
        probes.push_back({b.what, route.method, path, b.token, b.raw_header, ""});
      }
    }
    if (route.admin_only) {
      ++admin_routes;
      probes.push_back({"user token on an admin route", route.method, Fill(route.path, some_id),
                        bob, false, ""});
    }
    if (route.path.find("{id}") != std::string::npos) {
      for (const std::string& id : ids) {
        for (const std::string& path : Variants(Fill(route.path, id))) {
          probes.push_back({"another user's photo", route.method, path, bob, false, id});
          ++photo_requests;
        }
      }
    }
  }

  // What a missing id gets, per request: another user's id must get the
  // very same answer.
  const std::string missing_id(ids[0].size(), '0');
  int probes_sent = 0, refused = 0;
  for (const Probe& p : probes) {
    ++probes_sent;
    auto r = Send(p);
    ASSERT_TRUE(r) << p.what << ": " << p.method << " " << p.path;
    int expected = 401;
    std::string expected_code = "unauthenticated";
    if (p.what == "user token on an admin route") {
      expected = 403;
      expected_code = "forbidden";
    } else if (p.what == "another user's photo") {
      expected = 404;
      expected_code = "not_found";
    }
    const bool ok = r->status == expected && ErrorCode(r) == expected_code;
    EXPECT_TRUE(ok) << p.what << ": " << p.method << " " << p.path << " -> " << r->status << " "
                    << r->body;
    if (expected == 401) {
      EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer") << p.method << " " << p.path;
    }
    if (expected == 404) {
      Probe missing = p;
      missing.path.replace(missing.path.find(p.id), p.id.size(), missing_id);
      auto m = Send(missing);
      ASSERT_TRUE(m);
      EXPECT_EQ(m->status, 404) << missing.method << " " << missing.path;
      EXPECT_EQ(r->body, m->body) << p.method << " " << p.path
                                  << ": another user's id is told apart from a missing one";
    }
    refused += ok;
  }
  std::printf("%d probes, %d refused\n", probes_sent, refused);

  // At least one probe per bad credential per protected route, one per
  // admin route, one per request on each of alice's photos.
  const std::size_t lower_bound = protected_routes * bad.size() + admin_routes + photo_requests;
  EXPECT_GE(static_cast<std::size_t>(probes_sent), lower_bound);
  EXPECT_GT(protected_routes, 0u);
  EXPECT_GT(admin_routes, 0u);
  EXPECT_GE(photo_requests, static_cast<std::size_t>(kAlicePhotos) * 5)
      << "record, original, two thumbnails, PATCH and DELETE for each photo";
  EXPECT_EQ(refused, probes_sent);

  // Nothing of alice's moved: count, usage, names, bytes.
  const auto alice_after = Json(Get("/api/v1/users/me", alice));
  EXPECT_EQ(alice_after["photo_count"], kAlicePhotos);
  EXPECT_EQ(alice_after["used_bytes"], alice_before["used_bytes"]);
  EXPECT_EQ(alice_after["quota_bytes"], alice_before["quota_bytes"]);
  EXPECT_EQ(alice_after["disabled"], alice_before["disabled"]);
  for (int i = 0; i < kAlicePhotos; ++i) {
    auto record = Get("/api/v1/photos/" + ids[i], alice);
    ASSERT_TRUE(record);
    ASSERT_EQ(record->status, 200);
    EXPECT_EQ(Json(record)["filename"], "alice" + std::to_string(i) + ".jpg");
    auto original = Get("/api/v1/photos/" + ids[i] + "/original", alice);
    ASSERT_TRUE(original);
    ASSERT_EQ(original->status, 200);
    EXPECT_EQ(original->body, originals[i]) << "photo " << i;
  }
  EXPECT_EQ(LoginRaw("alice", "correct horse")->status, 200) << "alice's password is unchanged";
  EXPECT_EQ(library_->FindUser("probe").status().code(), Code::kNotFound);
  EXPECT_EQ(Json(Get("/api/v1/users/me", bob))["photo_count"], 0);
}

}  // namespace
}  // namespace octopus::http
