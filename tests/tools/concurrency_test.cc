// The whole service under concurrent load, `octopus serve --mount` as a
// child process:
//  - QuotaRace: four writers at once (two cp into the mount, two HTTP
//    uploaders) against a quota that holds only some of their photos. A
//    poller reads the database all along: usage never exceeds the quota.
//    What is refused is cleanly refused (cp: "Disk quota exceeded";
//    HTTP: 507 quota_exceeded), nothing partial is kept, and at the end
//    usage is the sum of the stored originals.
//  - MixedLoad: 64 HTTP connections (reads, uploads, deletes, a bounded
//    number each) plus copies into the mount: every answer is the expected
//    one, everything finishes, and the service's RSS is printed at start
//    and end; growth is bounded generously (OCTOPUS_RSS_SLACK_MB, default
//    256, since sanitizers inflate memory).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/db/database.h"
#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

using testing::kPassword;

std::string Why(const httplib::Result& res) {
  if (!res) return "no answer: " + httplib::to_string(res.error());
  return std::to_string(res->status) + " " + res->body;
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    fs::create_directories(dir_ / "src");
  }

  fs::path Photo(const std::string& name, int seed, int w = 400, int h = 300) {
    const fs::path p = dir_ / "src" / name;
    testing::WriteFile(p, testing::MakeDistinctJpeg(w, h, seed));
    return p;
  }

  // One user's uploads beyond the server's cap in flight (4) are answered
  // 429 with Retry-After: these clients wait and retry, as a client should.
  httplib::Result Upload(httplib::Client& client, const fs::path& file) {
    httplib::MultipartFormDataItems items = {
        {"file", testing::ReadFile(file), file.filename().string(), "image/jpeg"}};
    for (;;) {
      auto res = client.Post("/api/v1/photos", auth_, items);
      if (!res || res->status != 429) return res;
      const int wait = std::atoi(res->get_header_value("Retry-After").c_str());
      std::this_thread::sleep_for(std::chrono::seconds(std::clamp(wait, 1, 5)));
    }
  }

  std::vector<nlohmann::json> List(httplib::Client& client) {
    return testing::ListAllPhotos(client, token_);
  }

  void StartAs(const std::string& user, const std::string& quota) {
    ASSERT_TRUE(testing::AddUser(home_, user, kPassword, quota));
    // 64 connections from one address: above the server's default cap
    // per address (32), which a real crowd of clients would not share.
    service_ = std::make_unique<testing::ServiceProcess>(
        home_, mnt_, user,
        std::map<std::string, std::string>{{"OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS", "128"}});
    ASSERT_TRUE(service_->Start());
    const std::string token = service_->Login(user, kPassword);
    ASSERT_FALSE(token.empty()) << service_->Output();
    token_ = token;
    auth_ = {{"Authorization", "Bearer " + token}};
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";
  fs::path mnt_ = dir_ / "mnt";
  std::unique_ptr<testing::ServiceProcess> service_;
  std::string token_;
  httplib::Headers auth_;
};

TEST_F(ConcurrencyTest, QuotaRaceNeverExceedsTheQuotaAndRefusesCleanly) {
  constexpr int kWriters = 4, kPerWriter = 6;
  std::vector<std::vector<fs::path>> files(kWriters);
  std::map<std::string, std::pair<std::string, std::int64_t>> by_name;  // sha, size
  std::int64_t total = 0;
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kPerWriter; ++i) {
      const auto p = Photo('w' + std::to_string(w) + "-" + std::to_string(i) + ".jpg", w * 100 + i,
                           400 + i, 300);
      files[w].push_back(p);
      const auto size = static_cast<std::int64_t>(fs::file_size(p));
      by_name[p.filename().string()] = {testing::Sha256OfFile(p), size};
      total += size;
    }
  }
  // Room for about 40% of them.
  const std::int64_t quota = total * 2 / 5;
  StartAs("bob", std::to_string(quota));

  std::atomic<bool> done{false};
  std::atomic<int> polls{0};
  std::int64_t max_seen = 0;
  std::string poll_error;
  std::thread poller([&] {
    auto db = db::Database::Open(home_ / "instance" / "octopus.db");
    if (!db.ok()) {
      poll_error = db.status().ToString();
      return;
    }
    while (true) {
      const bool last = done;  // one more read after the writers finished
      auto stmt = (*db)->Prepare(
          "SELECT u.used_bytes, (SELECT COALESCE(SUM(size), 0) FROM photos WHERE owner = u.id) "
          "FROM users u WHERE name = 'bob'");
      if (stmt.ok()) {
        auto row = stmt->Step();
        if (row.ok() && *row) {
          max_seen = std::max({max_seen, stmt->Int(0), stmt->Int(1)});
          ++polls;
        }
      }
      if (last) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  std::mutex mu;
  std::map<std::string, std::string> outcome;  // name -> "ok" or the refusal
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto client = service_->Client();
      for (const auto& p : files[w]) {
        const std::string name = p.filename().string();
        std::string result;
        if (w < 2) {
          auto r = RunCommand("cp " + Quote(p.string()) + " " +
                              Quote((mnt_ / "import" / name).string()) + " 2>&1");
          result = r.exit_code == 0 ? "ok" : "cp: " + r.output;
        } else {
          auto res = Upload(*client, p);
          if (!res) {
            result = "no answer";
          } else if (res->status == 201) {
            result = "ok";
          } else {
            result = "http " + std::to_string(res->status) + " " + res->body;
          }
        }
        std::lock_guard lock(mu);
        outcome[name] = result;
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  poller.join();
  ASSERT_TRUE(poll_error.empty()) << poll_error;
  EXPECT_GT(polls, 0);
  EXPECT_LE(max_seen, quota) << "usage went over the quota";

  int accepted = 0, refused = 0;
  for (const auto& [name, result] : outcome) {
    if (result == "ok") {
      ++accepted;
      continue;
    }
    ++refused;
    if (result.starts_with("cp: ")) {
      EXPECT_NE(result.find("Disk quota exceeded"), std::string::npos) << name << ": " << result;
    } else {
      EXPECT_TRUE(result.starts_with("http 507 ")) << name << ": " << result;
      EXPECT_NE(result.find("\"quota_exceeded\""), std::string::npos) << name << ": " << result;
    }
  }
  EXPECT_EQ(accepted + refused, kWriters * kPerWriter);
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);

  // Exactly the accepted photos are stored, whole; usage is their sum.
  auto client = service_->Client();
  std::int64_t sum = 0;
  std::set<std::string> stored;
  for (const auto& p : List(*client)) {
    const std::string name = p.at("filename");
    ASSERT_TRUE(by_name.count(name)) << name;
    EXPECT_EQ(p.at("sha256"), by_name[name].first) << name;
    EXPECT_EQ(outcome[name], "ok") << name << " stored but refused";
    sum += by_name[name].second;
    stored.insert(name);
  }
  EXPECT_EQ(static_cast<int>(stored.size()), accepted);
  auto me = client->Get("/api/v1/users/me", auth_);
  ASSERT_TRUE(me && me->status == 200);
  EXPECT_EQ(nlohmann::json::parse(me->body).value("used_bytes", -1), sum);
  EXPECT_LE(sum, quota);
  // import/ shows only the copies that were imported (they linger there a
  // little, for cp -a): no refused or partial file.
  for (const auto& e : fs::directory_iterator(mnt_ / "import")) {
    EXPECT_EQ(outcome[e.path().filename().string()], "ok") << e.path();
  }
  service_->Stop(SIGTERM);
  EXPECT_TRUE(fs::is_empty(home_ / "data" / "storage" / "tmp"));
  auto r = RunCommand(testing::OctopusCommand(home_) + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(ConcurrencyTest, MixedLoadOf64ConnectionsAndCopies) {
  constexpr int kConnections = 64, kOpsPerConnection = 8, kCopies = 12, kShared = 8;
  StartAs("carol", "10G");
  // Photos every connection reads; never deleted.
  std::vector<std::string> shared_ids;
  {
    auto client = service_->Client();
    for (int i = 0; i < kShared; ++i) {
      auto res = Upload(*client, Photo("shared" + std::to_string(i) + ".jpg", 5000 + i));
      ASSERT_TRUE(res && res->status == 201);
      shared_ids.push_back(nlohmann::json::parse(res->body).at("id"));
    }
  }
  const long rss_start = service_->RssKb();
  std::cout << "service RSS at start: " << rss_start / 1024 << " MB\n";

  std::mutex mu;
  std::vector<std::string> errors;
  auto fail = [&](const std::string& what) {
    std::lock_guard lock(mu);
    errors.push_back(what);
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&, c] {
      auto client = service_->Client();
      client->set_read_timeout(300);
      client->set_keep_alive(true);
      std::vector<std::string> mine;
      for (int op = 0; op < kOpsPerConnection; ++op) {
        const std::string tag = "connection " + std::to_string(c) + " op " + std::to_string(op);
        switch ((c + op) % 4) {
          case 0: {  // list
            auto res = client->Get("/api/v1/photos?limit=20", auth_);
            if (!res || res->status != 200) fail(tag + ": list: " + Why(res));
            break;
          }
          case 1: {  // read an original
            const std::string& id = shared_ids[(c * 7 + op) % shared_ids.size()];
            auto res = client->Get("/api/v1/photos/" + id + "/original", auth_);
            if (!res || res->status != 200) fail(tag + ": original: " + Why(res));
            break;
          }
          case 2: {  // upload a new photo
            const std::string name = 'c' + std::to_string(c) + "-" + std::to_string(op) + ".jpg";
            fs::path p;
            {
              std::lock_guard lock(mu);  // the source files share a folder
              p = Photo(name, 10000 + c * 100 + op, 200, 150);
            }
            auto res = Upload(*client, p);
            if (!res || res->status != 201) {
              fail(tag + ": upload: " + Why(res));
            } else {
              mine.push_back(nlohmann::json::parse(res->body).at("id"));
            }
            break;
          }
          case 3: {  // delete one of this connection's own uploads
            if (mine.empty()) {
              auto res = client->Get("/api/v1/users/me", auth_);
              if (!res || res->status != 200) fail(tag + ": me: " + Why(res));
              break;
            }
            auto res = client->Delete("/api/v1/photos/" + mine.back(), auth_);
            if (!res || res->status != 204) fail(tag + ": delete: " + Why(res));
            mine.pop_back();
            break;
          }
        }
      }
    });
  }
  std::thread copier([&] {
    for (int i = 0; i < kCopies; ++i) {
      fs::path p;
      {
        std::lock_guard lock(mu);
        p = Photo("copy" + std::to_string(i) + ".jpg", 20000 + i, 300, 200);
      }
      auto r = RunCommand("cp " + Quote(p.string()) + " " +
                          Quote((mnt_ / "import" / p.filename()).string()));
      if (r.exit_code != 0) fail("cp " + p.filename().string() + ": " + r.output);
    }
  });
  for (auto& t : threads) t.join();
  copier.join();
  const long rss_end = service_->RssKb();
  std::cout << "service RSS at end: " << rss_end / 1024 << " MB\n";
  for (const auto& e : errors) ADD_FAILURE() << e;

  // Everything the copies and the surviving uploads added is there, and
  // the books balance.
  auto client = service_->Client();
  std::int64_t sum = 0;
  int count = 0;
  // (The trash's photos are still stored and counted.)
  for (const auto& p : List(*client)) {
    sum += p.at("size").get<std::int64_t>();
    ++count;
  }
  for (const auto& p : testing::ListAllPhotos(*client, token_, "/api/v1/trash")) {
    sum += p.at("size").get<std::int64_t>();
    ++count;
  }
  for (int i = 0; i < kCopies; ++i) {
    EXPECT_TRUE(fs::exists(mnt_ / "all" / ("copy" + std::to_string(i) + ".jpg")));
  }
  auto me = client->Get("/api/v1/users/me", auth_);
  ASSERT_TRUE(me && me->status == 200);
  const auto j = nlohmann::json::parse(me->body);
  EXPECT_EQ(j.value("used_bytes", -1), sum);
  EXPECT_EQ(j.value("photo_count", -1), count);

  long slack_mb = 256;
  if (const char* s = std::getenv("OCTOPUS_RSS_SLACK_MB")) slack_mb = std::atol(s);
  EXPECT_LT(rss_end - rss_start, slack_mb * 1024)
      << "RSS grew from " << rss_start / 1024 << " MB to " << rss_end / 1024 << " MB";
  service_->Stop(SIGTERM);
  auto r = RunCommand(testing::OctopusCommand(home_) + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace octopus
