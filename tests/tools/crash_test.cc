// Crash safety of the whole service. Rounds of: start `octopus serve
// --mount`; copy photos into the mount with cp and upload others through
// the API, both at once; SIGKILL the service at a random moment (seeded,
// the seed printed; OCTOPUS_CRASH_SEED replays one); unmount lazily. Each
// round offers its share of new photos and retries what was not
// acknowledged before. Then:
//  - every acknowledged photo (cp exited 0, which includes the close that
//    imports it; or the API answered 201/200) is there, byte-identical
//    (SHA-256 read back through the mount);
//  - meanwhile acknowledged photos go to the trash and back (mv through
//    the mount for those copied in, DELETE and restore through the API for
//    uploads): each is where its last acknowledged move put it (either
//    place when the kill cut a move short), never in both, never lost,
//    and reads back whole from all/ or trash/;
//  - nothing half-written is visible: every photo shown is one of ours,
//    whole, under its own name; no staging name in any view;
//  - the user's usage is the sum of their originals, trashed ones included;
//  - `octopus fsck` finds nothing but what a crash may leave by design
//    (orphan blobs, staged files), and once those have aged past their
//    grace periods, `fsck --repair` removes them and fsck is clean, with
//    nothing left in staging.
// Default size fits CI (60 photos, 3 rounds); OCTOPUS_SOAK=1 runs 300 x 10.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

using testing::kPassword;

struct Source {
  std::string name;
  fs::path path;
  std::string sha256;
  std::int64_t size = 0;
  bool via_mount = false;
};

// Where an acknowledged photo is, as far as the test knows.
enum class Place { kLive, kTrashed, kEither };

// What the workers share: which sources were acknowledged, their ids (API
// uploads) and places.
struct Ledger {
  std::mutex mu;
  std::vector<bool> acked;       // GUARDED_BY(mu)
  std::vector<std::string> ids;  // GUARDED_BY(mu): from the upload's answer
  std::vector<Place> places;     // GUARDED_BY(mu)
  explicit Ledger(std::size_t n) : acked(n, false), ids(n), places(n, Place::kLive) {}
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    ASSERT_TRUE(testing::AddUser(home_, "alice", kPassword, "10G"));
  }

  // Sends one photo the way it is assigned; true when acknowledged, with
  // the photo's id in `id` for an upload.
  bool Send(const Source& src, httplib::Client& client, const std::string& token, std::string* id) {
    if (src.via_mount) {
      // The full target path: after a crash and the lazy unmount, import/
      // is gone and cp fails instead of writing into the bare directory.
      return RunCommand("cp " + Quote(src.path.string()) + " " +
                        Quote((mnt_ / "import" / src.name).string()))
                 .exit_code == 0;
    }
    httplib::MultipartFormDataItems items = {
        {"file", testing::ReadFile(src.path), src.name, "image/jpeg"}};
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    auto res = client.Post("/api/v1/photos", headers, items);
    if (!res || (res->status != 201 && res->status != 200)) return false;
    const auto body = nlohmann::json::parse(res->body, nullptr, false);
    *id = body.is_object() ? body.value("id", "") : "";
    return true;
  }

  // Moves an acknowledged photo to the trash, or back: mv through the
  // mount for a copy, the API for an upload. True when acknowledged.
  bool Move(const Source& src, const std::string& id, bool to_trash, httplib::Client& client,
            const std::string& token) {
    if (src.via_mount) {
      const fs::path live = mnt_ / "all" / src.name, trashed = mnt_ / "trash" / src.name;
      return RunCommand("mv " + Quote((to_trash ? live : trashed).string()) + " " +
                        Quote((to_trash ? trashed : live).string()))
                 .exit_code == 0;
    }
    if (id.empty()) return false;
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    auto res = to_trash ? client.Delete("/api/v1/photos/" + id, headers)
                        : client.Post("/api/v1/photos/" + id + "/restore", headers, "",
                                      "application/json");
    return res && res->status >= 200 && res->status < 300;
  }

  // Ages every file under `dir` by two days, as if the grace periods of
  // fsck --repair (a minute for orphans, a day for staged uploads) had
  // passed.
  void Age(const fs::path& dir) {
    auto r =
        RunCommand("find " + Quote(dir.string()) + " -type f -exec touch -d '2 days ago' {} +");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";
  fs::path mnt_ = dir_ / "mnt";
  testing::ServiceProcess service_{home_, mnt_, "alice"};
};

TEST_F(CrashTest, KilledAtRandomMomentsLosesNothingAcknowledged) {
  const bool soak = std::getenv("OCTOPUS_SOAK") != nullptr;
  const int photo_count = soak ? 300 : 60;
  const int rounds = soak ? 10 : 3;
  std::uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("OCTOPUS_CRASH_SEED")) seed = std::stoull(s);
  std::cout << "crash test seed: " << seed << " (OCTOPUS_CRASH_SEED=" << seed << " replays it), "
            << photo_count << " photos, " << rounds << " rounds\n";
  std::mt19937_64 rng(seed);

  fs::create_directories(dir_ / "src");
  std::vector<Source> sources;
  for (int i = 0; i < photo_count; ++i) {
    Source s;
    s.name = 'p' + std::to_string(1000 + i) + ".jpg";
    s.path = dir_ / "src" / s.name;
    testing::WriteFile(s.path, testing::MakeDistinctJpeg(160 + i % 7, 120, i));
    s.sha256 = testing::Sha256OfFile(s.path);
    s.size = static_cast<std::int64_t>(fs::file_size(s.path));
    s.via_mount = i % 2 == 0;
    sources.push_back(std::move(s));
  }
  std::map<std::string, const Source*> by_sha;
  for (const auto& s : sources) by_sha[s.sha256] = &s;
  ASSERT_EQ(by_sha.size(), sources.size()) << "the generated photos are not distinct";

  Ledger ledger(sources.size());
  for (int round = 0; round < rounds; ++round) {
    // Each round brings its share of new photos, and retries those not
    // acknowledged before.
    const std::size_t offered = sources.size() * (round + 1) / rounds;
    std::vector<std::size_t> mount_queue, api_queue;
    for (std::size_t i = 0; i < offered; ++i) {
      if (!ledger.acked[i]) (sources[i].via_mount ? mount_queue : api_queue).push_back(i);
    }
    const std::size_t pending = mount_queue.size() + api_queue.size();
    if (pending == 0) break;
    ASSERT_TRUE(service_.Start()) << "round " << round;
    const std::string token = service_.Login("alice", kPassword);
    ASSERT_FALSE(token.empty()) << service_.Output();
    // The moment of the kill: after a random number of finished sends, then
    // a random few milliseconds more, so that it lands anywhere in a send.
    const std::size_t kill_after = std::uniform_int_distribution<std::size_t>(1, pending)(rng);
    const int jitter_ms = std::uniform_int_distribution<int>(0, 40)(rng);
    std::atomic<std::size_t> finished{0};
    std::atomic<bool> stop{false};
    auto worker = [&](const std::vector<std::size_t>& queue) {
      auto client = service_.Client();
      for (std::size_t i : queue) {
        if (stop) return;
        std::string id;
        const bool ok = Send(sources[i], *client, token, &id);
        if (ok) {
          std::lock_guard lock(ledger.mu);
          ledger.acked[i] = true;
          ledger.ids[i] = id;
        }
        ++finished;
      }
    };
    // Meanwhile, acknowledged photos whose place is known go to the trash
    // or come back from it. A move cut short by the kill leaves the place
    // unknown (either is right) for the rest of the test.
    std::mt19937_64 trash_rng(rng());
    auto trasher = [&] {
      auto client = service_.Client();
      for (; !stop; std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
        std::size_t i =
            std::uniform_int_distribution<std::size_t>(0, sources.size() - 1)(trash_rng);
        std::string id;
        bool to_trash;
        {
          std::lock_guard lock(ledger.mu);
          if (!ledger.acked[i] || ledger.places[i] == Place::kEither) continue;
          to_trash = ledger.places[i] == Place::kLive;
          ledger.places[i] = Place::kEither;
          id = ledger.ids[i];
        }
        if (Move(sources[i], id, to_trash, *client, token)) {
          std::lock_guard lock(ledger.mu);
          ledger.places[i] = to_trash ? Place::kTrashed : Place::kLive;
        }
      }
    };
    std::thread mount_worker(worker, std::cref(mount_queue));
    std::thread api_worker(worker, std::cref(api_queue));
    std::thread trash_worker(trasher);
    const bool reached = testing::PollUntil([&] { return finished >= kill_after; }, 600);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter_ms));
    stop = true;
    const int status = service_.Stop(SIGKILL);
    mount_worker.join();
    api_worker.join();
    trash_worker.join();
    ASSERT_TRUE(reached) << "the sends never got to " << kill_after;
    std::cout << "round " << round << ": killed after " << finished << " of " << pending
              << " sends (target " << kill_after << " + " << jitter_ms << " ms), "
              << (WIFSIGNALED(status) ? "by the signal" : "after it had exited") << "\n";
  }

  // A clean start: what is shown, through both front ends.
  ASSERT_TRUE(service_.Start());
  const std::string token = service_.Login("alice", kPassword);
  ASSERT_FALSE(token.empty());
  auto client = service_.Client();
  httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  std::int64_t stored_sum = 0;
  // The photos the API lists at `path`, by name, checked to be ours.
  auto listed_by_api = [&](const std::string& path) {
    std::set<std::string> names;
    for (const auto& p : testing::ListAllPhotos(*client, token, path)) {
      const std::string name = p.at("filename");
      auto it = by_sha.find(p.at("sha256").get<std::string>());
      if (it == by_sha.end()) {
        ADD_FAILURE() << "a photo that is none of ours: " << name;
        continue;
      }
      EXPECT_EQ(name, it->second->name) << "shown under another name";
      EXPECT_EQ(p.at("size").get<std::int64_t>(), it->second->size) << name;
      stored_sum += it->second->size;
      EXPECT_TRUE(names.insert(name).second) << "listed twice: " << name;
    }
    return names;
  };
  const std::set<std::string> shown = listed_by_api("/api/v1/photos");
  const std::set<std::string> trashed = listed_by_api("/api/v1/trash");
  int acked_count = 0, trashed_count = 0, either_count = 0;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (!ledger.acked[i]) continue;
    ++acked_count;
    const std::string& name = sources[i].name;
    const bool live = shown.count(name) != 0, in_trash = trashed.count(name) != 0;
    EXPECT_FALSE(live && in_trash) << "both in the library and in the trash: " << name;
    switch (ledger.places[i]) {
      case Place::kLive:
        EXPECT_TRUE(live) << "acknowledged but not in the library: " << name;
        break;
      case Place::kTrashed:
        ++trashed_count;
        EXPECT_TRUE(in_trash) << "acknowledged in the trash but not there: " << name;
        break;
      case Place::kEither:
        ++either_count;
        EXPECT_TRUE(live || in_trash) << "acknowledged but lost: " << name;
        break;
    }
  }
  // Every photo shown reads back whole through the mount; nothing else is
  // listed there (no staging name, no half-written file).
  std::set<std::string> listed;
  for (const auto& e : fs::directory_iterator(mnt_ / "all")) {
    listed.insert(e.path().filename().string());
  }
  EXPECT_EQ(listed, shown);
  std::set<std::string> listed_trash;
  for (const auto& e : fs::directory_iterator(mnt_ / "trash")) {
    listed_trash.insert(e.path().filename().string());
  }
  EXPECT_EQ(listed_trash, trashed);
  for (const auto& [folder, names] : {std::pair{"all", &shown}, std::pair{"trash", &trashed}}) {
    for (const auto& name : *names) {
      const auto it = std::find_if(sources.begin(), sources.end(),
                                   [&](const Source& s) { return s.name == name; });
      EXPECT_EQ(testing::Sha256OfFile(mnt_ / folder / name), it->sha256) << name;
    }
  }
  // import/ lists what it received and recorded (a sync target): only
  // copies that were imported, each reading back whole; never a staging
  // name or a half-written file.
  for (const auto& e : fs::directory_iterator(mnt_ / "import")) {
    const std::string name = e.path().filename().string();
    const auto it = std::find_if(sources.begin(), sources.end(),
                                 [&](const Source& s) { return s.name == name; });
    ASSERT_NE(it, sources.end()) << "not a copy: " << name;
    EXPECT_TRUE(shown.count(name) || trashed.count(name))
        << "listed in import/ but not stored: " << name;
    EXPECT_EQ(testing::Sha256OfFile(e.path()), it->sha256) << name;
  }
  auto res = client->Get("/api/v1/users/me", auth);
  ASSERT_TRUE(res && res->status == 200);
  const auto me = nlohmann::json::parse(res->body);
  EXPECT_EQ(me.value("used_bytes", -1), stored_sum);
  std::cout << acked_count << " acknowledged, " << shown.size() << " in the library and "
            << trashed.size() << " in the trash of " << sources.size() << "; " << trashed_count
            << " known trashed, " << either_count << " moves cut short\n";
  EXPECT_GT(acked_count, 0);
  service_.Stop(SIGTERM);

  // fsck: only what a crash leaves by design, then clean after repair.
  const std::string octopus = testing::OctopusCommand(home_);
  auto r = RunCommand(octopus + " fsck");
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("problem: ")) continue;
    if (line.starts_with("problem: orphan file: ")) continue;
    if (line.starts_with("problem: stale staged upload: ")) continue;
    ADD_FAILURE() << "fsck after the crashes: " << line;
  }
  Age(home_ / "data" / "storage");
  r = RunCommand(octopus + " fsck --repair");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand(octopus + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_empty(home_ / "data" / "storage" / "tmp"));
}

}  // namespace
}  // namespace octopus
