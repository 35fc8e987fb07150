// Two real `octopus serve` on one library, as on two machines sharing a
// PostgreSQL database and an NFS storage directory: two homes (each
// machine's own instance/ and logs/) with one storage directory (B's
// data/storage is a symlink to A's, standing in for the NFS mount) and one
// .env (the database URL and the secret key), two loopback ports, and nginx
// with the shipped site file balancing between them. What one server does,
// the other must honour at once: the quota at its edge, a logout, a
// deletion (listings and cached thumbnails), a mount following either; and
// a PostgreSQL restart is a clean 503 on both, then recovery with nothing
// acknowledged lost.
//
// Not one home for both: a shared instance/ would let the per-machine
// revocation file carry a logout from A to B, and hide its absence.
//
// Suite *OnPostgres: label `postgres` (tests/CMakeLists.txt), a database of
// its own on the shared test cluster; the restart test has a private one.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "tests/testing/nginx_front.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

struct Reply {
  int status = 0;  // -curl's exit code when no answer came
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string ErrorCode() const {
    const auto j = Json();
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }
};

class MultiServerOnPostgres : public ::testing::Test {
 protected:
  // Tests that stop PostgreSQL set this before SetUp: the shared cluster is
  // not theirs to stop.
  bool own_cluster_ = false;

  void SetUp() override {
    if (!testing::NginxFront::Available()) GTEST_SKIP() << "nginx or openssl is not installed";
    std::string why;
    postgres_ = own_cluster_ ? testing::PostgresServer::Start(&why)
                             : testing::PostgresServer::StartDatabase(&why);
    ASSERT_TRUE(postgres_) << why;
    // The shared home's .env names the database, as a deployment would
    // (every process of the home, the CLI included, then uses it); the
    // first CLI run adds the secret key both servers sign with.
    fs::create_directories(home_);
    testing::WriteFile(home_ / ".env", "OCTOPUS_DATABASE_URL=\"" + postgres_->conninfo() + "\"\n");
    ASSERT_TRUE(testing::AddUser(home_, "alice", testing::kPassword, "1G"));
    // The second machine: the same .env, the shared storage directory.
    fs::create_directories(home_b_ / "data");
    fs::copy_file(home_ / ".env", home_b_ / ".env");
    fs::create_directory_symlink(home_ / "data" / "storage", home_b_ / "data" / "storage");
    ASSERT_TRUE(a_.Start());
    ASSERT_TRUE(b_.Start());
    front_ = std::make_unique<testing::NginxFront>(dir_ / "nginx", home_ / "data" / "storage",
                                                   std::vector<int>{a_.port(), b_.port()});
    ASSERT_TRUE(front_->Start());
    token_ = a_.Login("alice", testing::kPassword);
    ASSERT_FALSE(token_.empty()) << a_.Output();
  }

  void TearDown() override {
    if (!mount_.empty()) testing::LazyUnmount(mount_);
  }

  static std::string Auth(const std::string& token) {
    return "-H " + Quote("Authorization: Bearer " + token);
  }

  Reply Curl(const std::string& args, const std::string& url) {
    const fs::path body = dir_ / ("body-" + std::to_string(++curl_count_));
    const auto r = RunCommand("curl -s -k --max-time 20 -o " + Quote(body.string()) +
                                  " -w '%{http_code}' " + args + " " + Quote(url),
                              30);
    Reply reply;
    reply.status = r.exit_code == 0 ? std::atoi(r.output.c_str()) : -r.exit_code;
    reply.body = testing::ReadFile(body);
    fs::remove(body);
    return reply;
  }
  // Straight to one server, from an address it does not trust as a proxy
  // (so it sends bytes itself, from its own caches).
  Reply Direct(const testing::ServiceProcess& s, const std::string& args, const std::string& path) {
    return Curl("--interface 127.0.0.2 " + args,
                "http://127.0.0.1:" + std::to_string(s.port()) + path);
  }
  // Through nginx: either server, round robin.
  Reply Front(const std::string& args, const std::string& path) {
    return Curl(args, "https://127.0.0.1:" + std::to_string(front_->https_port()) + path);
  }
  std::string UploadArgs(const std::string& name, int seed, int width = 320, int height = 240) {
    const fs::path file = dir_ / name;
    testing::WriteFile(file, testing::MakeDistinctJpeg(width, height, seed));
    return Auth(token_) + " -F " +
           Quote("file=@" + file.string() + ";filename=" + name + ";type=image/jpeg");
  }
  std::set<std::string> Filenames(const testing::ServiceProcess& s, const std::string& path) {
    std::set<std::string> names;
    auto client = s.Client();
    for (const auto& p : testing::ListAllPhotos(*client, token_, path)) {
      names.insert(p.value("filename", ""));
    }
    return names;
  }
  void ExpectFsckClean() {
    const auto r = RunCommand(testing::OctopusCommand(home_) + " fsck 2>&1", 120);
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  // Ids of the photos an upload's answer created.
  static std::vector<std::string> CreatedIds(const Reply& r) {
    std::vector<std::string> ids;
    const auto j = r.Json();
    if (j.is_object() && j.contains("id")) ids.push_back(j.value("id", ""));
    if (j.is_object() && j.contains("photos")) {
      for (const auto& p : j["photos"]) ids.push_back(p.value("id", ""));
    }
    return ids;
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";      // machine A's
  fs::path home_b_ = dir_ / "home-b";  // machine B's
  std::unique_ptr<testing::PostgresServer> postgres_;
  // Declared after dir_ and postgres_: stopped before either goes.
  const std::map<std::string, std::string> env_ = {{"OCTOPUS_TRUSTED_PROXIES", "127.0.0.1"},
                                                   {"OCTOPUS_ACCEL_REDIRECT", "/_octopus_blobs/"}};
  testing::ServiceProcess a_{home_, "", "alice", env_};
  testing::ServiceProcess b_{home_b_, "", "alice", env_};
  std::unique_ptr<testing::NginxFront> front_;
  std::string token_;
  fs::path mount_;
  std::atomic<int> curl_count_{0};
};

// Four clients, two on each server (one straight, one through nginx's
// round robin), upload distinct photos for one user until the quota
// refuses every one of them: usage never passes the quota, every refusal
// is `quota_exceeded` (not a 503 or 500 from a lost conflict), every
// acknowledged photo is listed by both, and fsck finds rows and blobs in
// agreement.
TEST_F(MultiServerOnPostgres, UploadsThroughBothServersAtTheQuotaEdgeNeverGoOver) {
  // Room for about ten photos of this size, at half a photo's slack.
  const std::string probe = testing::MakeDistinctJpeg(320, 240, 1000);
  const std::int64_t quota = static_cast<std::int64_t>(probe.size()) * 21 / 2;
  auto r = RunCommand(testing::OctopusCommand(home_) + " user quota alice " +
                      std::to_string(quota) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::mutex mu;
  std::vector<std::string> accepted;  // ids, GUARDED_BY(mu)
  std::vector<std::string> problems;  // GUARDED_BY(mu)
  int refused = 0;                    // GUARDED_BY(mu)
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 8; ++i) {
        const int seed = 100 * c + i;
        const std::string args = UploadArgs("c" + std::to_string(seed) + ".jpg", seed);
        const Reply reply = c == 0   ? Direct(a_, args, "/api/v1/photos")
                            : c == 1 ? Direct(b_, args, "/api/v1/photos")
                                     : Front(args, "/api/v1/photos");
        std::lock_guard lock(mu);
        if (reply.status == 201) {
          for (auto& id : CreatedIds(reply)) accepted.push_back(id);
        } else if (reply.status == 507 && reply.ErrorCode() == "quota_exceeded") {
          ++refused;
        } else {
          problems.push_back(std::to_string(reply.status) + " " + reply.body);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  for (const auto& p : problems)
    ADD_FAILURE() << "an upload got neither 201 nor the quota error: " << p;
  EXPECT_GT(refused, 0) << "the quota was never reached";
  EXPECT_GE(accepted.size(), 8u) << "too few uploads fitted: the edge was not reached";

  for (const auto* s : {&a_, &b_}) {
    const Reply me = Direct(*s, Auth(token_), "/api/v1/users/me");
    ASSERT_EQ(me.status, 200) << me.body;
    const auto j = me.Json();
    EXPECT_LE(j.value("used_bytes", std::int64_t{-1}), quota) << me.body;
    EXPECT_EQ(j.value("photo_count", -1), static_cast<int>(accepted.size())) << me.body;
    EXPECT_EQ(Filenames(*s, "/api/v1/photos").size(), accepted.size());
  }
  ExpectFsckClean();
}

// The same bytes uploaded through both servers at once, round after round:
// both stage and commit the same blob and thumbnails into the one storage
// directory. One photo per content (one 201, one 200 duplicate naming the
// same id), every blob whole (the mount-free check: fsck, which reads and
// hashes them).
TEST_F(MultiServerOnPostgres, SameBytesThroughBothServersAtOnceMakeOnePhoto) {
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string name = "same" + std::to_string(round) + ".jpg";
    const std::string args = UploadArgs(name, 500 + round, 1024, 768);
    Reply replies[2];
    std::thread other([&] { replies[1] = Direct(b_, args, "/api/v1/photos"); });
    replies[0] = Direct(a_, args, "/api/v1/photos");
    other.join();
    std::multiset<int> statuses = {replies[0].status, replies[1].status};
    EXPECT_EQ(statuses, (std::multiset<int>{200, 201})) << replies[0].body << "\n"
                                                        << replies[1].body;
    const auto a_ids = CreatedIds(replies[0]), b_ids = CreatedIds(replies[1]);
    ASSERT_EQ(a_ids.size(), 1u) << replies[0].body;
    ASSERT_EQ(b_ids.size(), 1u) << replies[1].body;
    EXPECT_EQ(a_ids[0], b_ids[0]);
    const Reply t = Direct(b_, Auth(token_), "/api/v1/photos/" + a_ids[0] + "/thumbnail");
    EXPECT_EQ(t.status, 200) << t.body;
  }
  EXPECT_EQ(Filenames(a_, "/api/v1/photos").size(), static_cast<std::size_t>(kRounds));
  const auto staged = RunCommand("find " + Quote((home_ / "data").string()) +
                                 " -name 'upload-*' -o -name '.tmp-*' -o -name '.fuse-*' | wc -l");
  EXPECT_EQ(std::atoi(staged.output.c_str()), 0) << "staging or temporary files left behind";
  ExpectFsckClean();
}

// B has the session cached (a request before the logout); the logout goes
// to A; B refuses the token on its very next request, and so does nginx
// whichever server it picks.
TEST_F(MultiServerOnPostgres, LogoutOnOneServerIsRefusedOnTheOtherAtOnce) {
  const std::string token = b_.Login("alice", testing::kPassword);
  ASSERT_FALSE(token.empty());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Direct(b_, Auth(token), "/api/v1/users/me").status, 200);
    ASSERT_EQ(Direct(a_, Auth(token), "/api/v1/users/me").status, 200);
  }
  const Reply out = Direct(a_, Auth(token) + " -X POST", "/api/v1/auth/logout");
  ASSERT_TRUE(out.status == 200 || out.status == 204) << out.status << " " << out.body;

  const Reply after = Direct(b_, Auth(token), "/api/v1/users/me");
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(Direct(a_, Auth(token), "/api/v1/users/me").status, 401);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Front(Auth(token), "/api/v1/users/me").status, 401);
  // The fixture's own session, never logged out, still works on both.
  EXPECT_EQ(Direct(b_, Auth(token_), "/api/v1/users/me").status, 200);
}

// A photo listed and its thumbnail served (and so cached) by B, deleted to
// the trash on A: gone from B's listing at once, in B's trash (thumbnail
// kept, for the trash view); purged on A: gone from B's trash, its cached
// thumbnail refused by B and by nginx whichever server answers, its blobs
// gone from the shared storage.
TEST_F(MultiServerOnPostgres, DeleteOnOneIsGoneFromTheOthersListingsAndThumbnails) {
  const Reply up = Direct(a_, UploadArgs("doomed.jpg", 7, 640, 480), "/api/v1/photos");
  ASSERT_EQ(up.status, 201) << up.body;
  const auto ids = CreatedIds(up);
  ASSERT_EQ(ids.size(), 1u) << up.body;
  const std::string id = ids[0];
  const std::string thumb = "/api/v1/photos/" + id + "/thumbnail?size=small";

  EXPECT_EQ(Filenames(b_, "/api/v1/photos").count("doomed.jpg"), 1u);
  for (int i = 0; i < 2; ++i) {
    const Reply t = Direct(b_, Auth(token_), thumb);
    ASSERT_EQ(t.status, 200) << t.body;
    ASSERT_GT(t.body.size(), 100u);
    ASSERT_EQ(Front(Auth(token_), thumb).status, 200);  // each server, via X-Accel-Redirect
  }

  const Reply del = Direct(a_, Auth(token_) + " -X DELETE", "/api/v1/photos/" + id);
  ASSERT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(Filenames(b_, "/api/v1/photos").count("doomed.jpg"), 0u);
  EXPECT_EQ(Filenames(b_, "/api/v1/trash").count("doomed.jpg"), 1u);
  // In the trash it keeps its thumbnails (the trash view shows them).
  EXPECT_EQ(Direct(b_, Auth(token_), thumb).status, 200);

  const Reply purge = Direct(a_, Auth(token_) + " -X DELETE", "/api/v1/trash/" + id);
  ASSERT_EQ(purge.status, 204) << purge.body;
  EXPECT_EQ(Filenames(b_, "/api/v1/trash").count("doomed.jpg"), 0u);
  EXPECT_EQ(Direct(b_, Auth(token_), thumb).status, 404);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Front(Auth(token_), thumb).status, 404);
  EXPECT_EQ(Direct(b_, Auth(token_), "/api/v1/photos/" + id + "/original").status, 404);
  const auto blobs = RunCommand("find " + Quote((home_ / "data" / "storage").string()) +
                                " -type f -name '*.jpg' -o -type f -name '[0-9a-f]*' | wc -l");
  EXPECT_EQ(std::atoi(blobs.output.c_str()), 0) << "blobs left on the shared storage";
  ExpectFsckClean();
}

// `octopus mount` on the same database (its own process, as on a third
// machine) follows uploads and a deletion made through either server.
TEST_F(MultiServerOnPostgres, MountFollowsChangesThroughEitherServer) {
  if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  mount_ = dir_ / "mnt";
  fs::create_directories(mount_);
  const auto r = RunCommand(testing::OctopusCommand(home_) + " mount --user alice " +
                            Quote(mount_.string()) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(testing::PollUntil([&] { return fs::is_directory(mount_ / "all"); }, 10));

  ASSERT_EQ(Direct(a_, UploadArgs("via-a.jpg", 11), "/api/v1/photos").status, 201);
  EXPECT_TRUE(testing::PollUntil([&] { return fs::exists(mount_ / "all" / "via-a.jpg"); }, 10));
  const Reply up = Direct(b_, UploadArgs("via-b.jpg", 12), "/api/v1/photos");
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_TRUE(testing::PollUntil([&] { return fs::exists(mount_ / "all" / "via-b.jpg"); }, 10));
  EXPECT_EQ(testing::Sha256OfFile(mount_ / "all" / "via-b.jpg"),
            testing::Sha256OfFile(dir_ / "via-b.jpg"));

  const auto ids = CreatedIds(up);
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(Direct(a_, Auth(token_) + " -X DELETE", "/api/v1/photos/" + ids[0]).status, 204);
  EXPECT_TRUE(testing::PollUntil([&] { return !fs::exists(mount_ / "all" / "via-b.jpg"); }, 10));
  EXPECT_TRUE(fs::exists(mount_ / "all" / "via-a.jpg"));
}

class MultiServerRestartOnPostgres : public MultiServerOnPostgres {
 protected:
  MultiServerRestartOnPostgres() { own_cluster_ = true; }
};

// PostgreSQL stopped under both servers: every request that needs it is a
// 503 with the API's error body on each (never a 500), neither process
// ends; started again, both answer, and every photo acknowledged before is
// still there.
TEST_F(MultiServerRestartOnPostgres, BothServersGive503ThenRecoverWithNothingLost) {
  ASSERT_EQ(Direct(a_, UploadArgs("before-a.jpg", 21), "/api/v1/photos").status, 201);
  ASSERT_EQ(Direct(b_, UploadArgs("before-b.jpg", 22), "/api/v1/photos").status, 201);

  std::string why;
  ASSERT_TRUE(postgres_->Stop(&why)) << why;
  for (const auto* s : {&a_, &b_}) {
    SCOPED_TRACE(s == &a_ ? "server A" : "server B");
    const Reply list = Direct(*s, Auth(token_), "/api/v1/photos");
    EXPECT_EQ(list.status, 503) << list.body;
    EXPECT_EQ(list.ErrorCode(), "busy") << list.body;
    const Reply up = Direct(*s, UploadArgs("lost.jpg", 23), "/api/v1/photos");
    EXPECT_EQ(up.status, 503) << up.body;
    EXPECT_EQ(up.ErrorCode(), "busy") << up.body;
    const Reply login = Direct(
        *s,
        "-X POST -H 'Content-Type: application/json' -d " +
            Quote(nlohmann::json{{"username", "alice"}, {"password", testing::kPassword}}.dump()),
        "/api/v1/auth/login");
    EXPECT_EQ(login.status, 503) << login.body;
    EXPECT_EQ(Direct(*s, "", "/health").status > 0, true);  // answers at all
  }
  // Through nginx as well: octopus's 503, not nginx's 502.
  const Reply front = Front(Auth(token_), "/api/v1/photos");
  EXPECT_EQ(front.status, 503) << front.body;
  EXPECT_EQ(front.ErrorCode(), "busy") << front.body;
  for (auto* s : {&a_, &b_}) {
    int status = 0;
    EXPECT_EQ(::waitpid(s->pid(), &status, WNOHANG), 0) << "a server ended:\n" << s->Output();
  }

  ASSERT_TRUE(postgres_->Restart(&why)) << why;
  for (const auto* s : {&a_, &b_}) {
    SCOPED_TRACE(s == &a_ ? "server A" : "server B");
    // The first request may meet a dead pooled connection (503, and the
    // pool drops the rest): bounded, then answered.
    EXPECT_TRUE(testing::PollUntil(
        [&] { return Direct(*s, Auth(token_), "/api/v1/photos").status == 200; }, 10));
    EXPECT_EQ(Filenames(*s, "/api/v1/photos"),
              (std::set<std::string>{"before-a.jpg", "before-b.jpg"}));
  }
  EXPECT_EQ(Direct(a_, UploadArgs("after-a.jpg", 24), "/api/v1/photos").status, 201);
  EXPECT_EQ(Direct(b_, UploadArgs("after-b.jpg", 25), "/api/v1/photos").status, 201);
  EXPECT_EQ(Filenames(a_, "/api/v1/photos").size(), 4u);
  ExpectFsckClean();
}

}  // namespace
}  // namespace octopus
