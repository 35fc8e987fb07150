// The hostile-client suite (ctest label `hostile`): the real `octopus serve`
// under the attacks issue 15 measured, alone and behind nginx started with
// the shipped deploy/nginx/octopus-photos.conf, on loopback only, each
// attack bounded in count and time. The attacker connects from 127.0.0.3, a
// well-behaved neighbour from 127.0.0.2. Each test records the server's
// resident memory and whether the neighbour's GET /health kept getting an
// answer within a second (HealthProbe), and asserts what the README's
// "Guarantees" promise for that setting.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/hostile/hostile_client.h"
#include "tests/testing/hostile_files.h"
#include "tests/testing/nginx_front.h"
#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

enum class Front { kNone, kNginx };

std::string FrontName(const ::testing::TestParamInfo<Front>& info) {
  return info.param == Front::kNone ? "OctopusAlone" : "BehindNginx";
}

// The status of an HTTP response's first line; 0 when none arrived.
int StatusOf(const std::string& reply) {
  if (reply.rfind("HTTP/1.", 0) != 0 || reply.size() < 12) return 0;
  return std::atoi(reply.c_str() + 9);
}

std::string JsonPost(const std::string& path, const std::string& body,
                     const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// One request on a fresh connection from the attacker's address; its status
// (0: no answer within 10 s).
int Exchange(const Target& target, const std::string& request) {
  ClientSocket s;
  const auto deadline = Clock::now() + seconds(10);
  if (!s.Connect(target, kAttackerAddress, deadline) || !s.Send(request, deadline)) return 0;
  bool closed = false;
  return StatusOf(s.ReadUntil("\r\n", deadline, &closed));
}

class HostileTest : public ::testing::TestWithParam<Front> {
 protected:
  void SetUp() override {
    const bool nginx = GetParam() == Front::kNginx;
    if (nginx && !NginxFront::Available()) GTEST_SKIP() << "nginx or openssl is not installed";
    std::map<std::string, std::string> env = {
        // Short enough for the upload trickle to be cut within the test.
        {"OCTOPUS_BODY_TIMEOUT", "3"},
        // The registration flood needs registration open.
        {"OCTOPUS_OPEN_REGISTRATION", "true"},
    };
    if (nginx) {
      env["OCTOPUS_TRUSTED_PROXIES"] = "127.0.0.1";
      env["OCTOPUS_ACCEL_REDIRECT"] = "/_octopus_blobs/";
    }
    ASSERT_TRUE(AddUser(dir_ / "home", "alice", kPassword, "1G"));
    service_ = std::make_unique<ServiceProcess>(dir_ / "home", "", "alice", env);
    ASSERT_TRUE(service_->Start());
    target_ = {service_->port(), false};
    if (nginx) {
      front_ = std::make_unique<NginxFront>(dir_ / "nginx", dir_ / "home" / "data" / "storage",
                                            service_->port());
      ASSERT_TRUE(front_->Start());
      target_ = {front_->https_port(), true};
    }
  }

  void TearDown() override {
    front_.reset();
    service_.reset();
  }

  // Starts measuring: the neighbour's probe and the server's memory.
  void Watch() {
    probe_ = std::make_unique<HealthProbe>(target_);
    rss_ = std::make_unique<RssSampler>(service_->pid());
  }
  // Stops measuring, prints the figures, and checks that the neighbour was
  // answered throughout and, if `bound_rss`, that memory stayed bounded.
  void ExpectServed(const std::string& attack, bool bound_rss = true) {
    probe_->Stop();
    rss_->Stop();
    std::cout << "[hostile] " << attack << " (" << (front_ ? "behind nginx" : "octopus alone")
              << "): " << probe_->Summary() << "; server RSS " << rss_->start_kb() / 1024
              << " MB -> peak " << rss_->peak_kb() / 1024 << " MB\n";
    EXPECT_GT(probe_->probes(), 0);
    EXPECT_EQ(probe_->failed(), 0) << "the neighbour was starved: " << probe_->Summary();
    if (bound_rss) {
      EXPECT_LT(rss_->growth_mb(), RssSlackMb())
          << "the server's memory grew by " << rss_->growth_mb() << " MB";
    }
    EXPECT_TRUE(service_->running());
  }

  std::string NeighbourToken() {
    const auto deadline = Clock::now() + seconds(30);
    ClientSocket s;
    bool closed = false;
    if (!s.Connect(target_, kNeighbourAddress, deadline) ||
        !s.Send(JsonPost("/api/v1/auth/login",
                         nlohmann::json{{"username", "alice"}, {"password", kPassword}}.dump()),
                deadline)) {
      return "";
    }
    const std::string reply = s.ReadUntil("", deadline, &closed);
    const auto body = reply.find("\r\n\r\n");
    if (StatusOf(reply) != 200 || body == std::string::npos) return "";
    const auto j = nlohmann::json::parse(reply.substr(body + 4), nullptr, false);
    return j.is_object() ? j.value("access_token", "") : "";
  }

  TempDir dir_;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<NginxFront> front_;
  Target target_;
  std::unique_ptr<HealthProbe> probe_;
  std::unique_ptr<RssSampler> rss_;
};

// Issue 15 (1): 130 sockets sending a header line every 12 s starved the
// 128 pool threads for 40 s. Here 500 sockets for 30 s, a line every 5 s,
// each reopened (at most 50 per 100 ms) when the server closes it.
TEST_P(HostileTest, Slowloris500SocketsFor30Seconds) {
  Watch();
  constexpr int kSockets = 500;
  std::vector<ClientSocket> sockets(kSockets);
  std::vector<Clock::time_point> next_line(kSockets);
  long opened = 0, peak_open = 0;
  const auto end = Clock::now() + seconds(30);
  while (Clock::now() < end) {
    int budget = 50;
    long open = 0;
    for (int i = 0; i < kSockets; ++i) {
      ClientSocket& s = sockets[i];
      const auto now = Clock::now();
      if (s.open() && !s.PeerGone()) {
        if (now >= next_line[i]) {
          if (!s.Send("X-Slow-" + std::to_string(i) + ": 1\r\n", now + milliseconds(100)))
            s.Close();
          next_line[i] = now + seconds(5);
        }
        open += s.open() ? 1 : 0;
        continue;
      }
      s.Close();
      if (budget-- <= 0) continue;
      if (s.Connect(target_, kAttackerAddress, now + seconds(1)) &&
          s.Send("GET /health HTTP/1.1\r\nHost: localhost\r\n", now + seconds(1))) {
        ++opened;
        ++open;
        next_line[i] = now + seconds(5);
      } else {
        s.Close();
      }
    }
    peak_open = std::max(peak_open, open);
    std::this_thread::sleep_for(milliseconds(100));
  }
  std::cout << "[hostile] slowloris: " << opened << " connections opened, at most " << peak_open
            << " open at once\n";
  ExpectServed("slowloris, 500 sockets for 30 s");
  if (!front_) {
    // The server held only its per-address share and refused the rest.
    EXPECT_NE(service_->Output().find("refused over the per-address"), std::string::npos)
        << service_->Output();
  }
}

// Issue 15 (2): 2 connections x 200 MB of 8 KB header lines took RSS from
// 433 MB to 1 GB. Octopus alone must cut each connection long before
// 200 MB. nginx answers 400 once its header buffers (1 KB + 4 x 8 KB) are
// full and then, as it does for any refused request, reads and drops what
// the client still sends for a while (lingering_time) before closing:
// octopus never sees any of it.
TEST_P(HostileTest, HeaderFloodIsCutAndMemoryStaysFlat) {
  Watch();
  constexpr std::size_t kFlood = 200u << 20;
  std::vector<std::size_t> sent(2, 0);
  std::vector<int> status(2, 0);
  std::vector<std::thread> floods;
  for (std::size_t k = 0; k < sent.size(); ++k) {
    floods.emplace_back([&, k] {
      const auto end = Clock::now() + seconds(30);
      ClientSocket s;
      if (!s.Connect(target_, kAttackerAddress, end) ||
          !s.Send("GET /health HTTP/1.1\r\nHost: localhost\r\n", end)) {
        return;
      }
      const std::string line = "X-Flood: " + std::string(8000, 'a') + "\r\n";
      while (sent[k] < kFlood && Clock::now() < end && s.Send(line, end)) sent[k] += line.size();
      bool closed = false;
      status[k] = StatusOf(s.ReadUntil("\r\n", Clock::now() + seconds(5), &closed));
    });
  }
  for (auto& t : floods) t.join();
  for (std::size_t k = 0; k < sent.size(); ++k) {
    std::cout << "[hostile] header flood: connection " << k << " sent " << (sent[k] >> 10)
              << " KB, answer " << status[k] << "\n";
    if (front_) {
      EXPECT_EQ(status[k], 400) << "nginx refuses headers over its buffers";
    } else {
      EXPECT_LT(sent[k], 16u << 20) << "connection " << k << " was not cut";
    }
  }
  ExpectServed("header flood, 2 x 200 MB");
}

// Issue 15 (7) and (6): logins held memory (an Argon2 hash is about
// 19 MiB) and failures locked out. 32 clients guessing alice's password
// for 5 s: the neighbour is served, and most guesses are refused without a
// hash (429), by octopus's throttle alone or by nginx's per-address rate.
TEST_P(HostileTest, LoginFlood) {
  Watch();
  std::atomic<int> guesses{0}, refused{0}, checked{0}, other{0};
  std::vector<std::thread> clients;
  const auto end = Clock::now() + seconds(5);
  const std::string request = JsonPost(
      "/api/v1/auth/login", nlohmann::json{{"username", "alice"}, {"password", "guess"}}.dump());
  for (int i = 0; i < 32; ++i) {
    clients.emplace_back([&] {
      while (Clock::now() < end) {
        const int status = Exchange(target_, request);
        ++guesses;
        if (status == 429 || status == 503) {
          ++refused;
        } else if (status == 401) {
          ++checked;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  std::cout << "[hostile] login flood: " << guesses << " guesses, " << checked << " checked (401), "
            << refused << " refused unchecked (429/503), " << other << " other\n";
  EXPECT_EQ(other, 0);
  EXPECT_GT(refused, checked);
  if (front_) {
    EXPECT_LE(checked, 12) << "burst 5, then 10 a minute";
  }
  // Octopus alone too: at most one Argon2 hash (~19 MiB) per core runs at
  // once, and its memory is unmapped when it ends.
  ExpectServed("login flood, 32 clients for 5 s", /*bound_rss=*/true);
  // The guesses slowed their own address, not alice: she logs in from
  // another one at once.
  EXPECT_FALSE(NeighbourToken().empty()) << "alice was locked out by another client's guesses";
}

// Issue 15 (5): an upload trickling a byte every 8 s held its staging file.
// Here a byte every 500 ms into a 300 MB upload: cut within a few body
// timeouts (OCTOPUS_BODY_TIMEOUT=3 here), nothing left staged.
TEST_P(HostileTest, UploadTrickleIsCut) {
  const std::string token = NeighbourToken();
  ASSERT_FALSE(token.empty());
  Watch();
  ClientSocket s;
  const auto start = Clock::now();
  const auto end = start + seconds(40);
  const std::string boundary = "hostileboundary";
  ASSERT_TRUE(s.Connect(target_, kAttackerAddress, end));
  ASSERT_TRUE(s.Send("POST /api/v1/photos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                         token + "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                         "\r\nContent-Length: 300000000\r\n\r\n--" + boundary +
                         "\r\nContent-Disposition: form-data; name=\"file\"; "
                         "filename=\"slow.jpg\"\r\n\r\n\xff\xd8\xff",
                     end));
  bool ended = false;
  while (!ended && Clock::now() < end) {
    bool closed = false;
    const std::string answer = s.ReadUntil("\r\n", Clock::now(), &closed);
    ended = closed || !answer.empty() || !s.Send("x", Clock::now() + seconds(1));
    if (!ended) std::this_thread::sleep_for(milliseconds(500));
  }
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "[hostile] upload trickle: ended after " << took << " s\n";
  EXPECT_TRUE(ended) << "the trickling upload was still open after 40 s";
  EXPECT_TRUE(PollUntil(
      [&] { return std::filesystem::is_empty(dir_ / "home" / "data" / "storage" / "tmp"); }, 30))
      << "a staged file was left behind";
  ExpectServed("upload trickle");
}

// Issue 15 (4): 50 anonymous accounts in 5 s from one client.
TEST_P(HostileTest, RegistrationFlood) {
  Watch();
  int created = 0, refused = 0;
  for (int i = 0; i < 50; ++i) {
    const int status = Exchange(
        target_,
        JsonPost("/api/v1/auth/register", nlohmann::json{{"username", "flood" + std::to_string(i)},
                                                         {"password", "a long enough password"}}
                                              .dump()));
    if (status == 201) ++created;
    if (status == 429 || status == 403) ++refused;
  }
  std::cout << "[hostile] registration flood: " << created << " of 50 accounts created, " << refused
            << " refused\n";
  // Octopus's own per-address rate (OCTOPUS_REGISTRATIONS_PER_HOUR, 5),
  // alone and behind nginx (which forwards the one client's address; its
  // own rate for /auth/ refuses more before they reach octopus). The memory
  // each Argon2 hash leaves behind (50 registrations took RSS up by about
  // 300 MB here) is the login part of issue 15.
  EXPECT_LE(created, 5);
  ExpectServed("registration flood, 50 in a row", /*bound_rss=*/front_ != nullptr);
}

// Issue 15 (3): progressive JPEG bombs in parallel. The decoding limits
// (OCTOPUS_MAX_DECODE_MEMORY, bounded concurrent decodes) are the decoding
// part of issue 15: this is their place in the suite, with Watch() and
// ExpectServed() around three parallel uploads of a 10000x10000
// progressive 4:4:4 JPEG and its truncated copies.
// The bomb here declares 10000x10000 in a 16x16 file's header: before the
// limits, libjpeg zeroed its 600 MB of coefficients for it all the same.
// Each must now be refused from its header (413 too_large), the three
// together within the RSS slack.
TEST_P(HostileTest, ProgressiveJpegBombsInParallel) {
  const std::string token = NeighbourToken();
  ASSERT_FALSE(token.empty());
  const std::string bomb = ProgressiveJpegBomb(10000);
  const std::string copies[3] = {bomb, bomb.substr(0, bomb.size() * 2 / 3),
                                 bomb.substr(0, bomb.size() / 2)};
  Watch();
  int statuses[3] = {};
  std::vector<std::thread> uploads;
  for (int i = 0; i < 3; ++i) {
    uploads.emplace_back([&, i] {
      const std::string boundary = "bombboundary";
      const std::string body =
          "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bomb" +
          std::to_string(i) + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + copies[i] + "\r\n--" +
          boundary + "--\r\n";
      statuses[i] =
          Exchange(target_,
                   "POST /api/v1/photos HTTP/1.1\r\nHost: localhost\r\nConnection: "
                   "close\r\nAuthorization: Bearer " +
                       token + "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    });
  }
  for (auto& t : uploads) t.join();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(statuses[i], 413) << "bomb " << i;
  ExpectServed("3 progressive JPEG bombs (10000x10000 4:4:4) in parallel");
}

INSTANTIATE_TEST_SUITE_P(Fronts, HostileTest, ::testing::Values(Front::kNone, Front::kNginx),
                         FrontName);

// Issue 15 (1): with 3 slow sockets open, SIGTERM did not stop the server
// for 45 s. The header deadline is set far away (120 s) so that only the
// stop can end them; the server must exit by itself, cleanly.
TEST(HostileStopTest, SigtermIsNotHeldBySlowClients) {
  TempDir dir;
  ASSERT_TRUE(AddUser(dir / "home", "alice", kPassword));
  ServiceProcess service(dir / "home", "", "alice", {{"OCTOPUS_HEADER_TIMEOUT", "120"}});
  ASSERT_TRUE(service.Start());
  const Target target{service.port(), false};
  std::vector<ClientSocket> slow(3);
  for (auto& s : slow) {
    // A first request answered proves a pool thread serves the connection
    // (a connection still in the listen backlog would just be dropped at
    // stop); the second one then never completes its headers.
    const auto deadline = Clock::now() + seconds(10);
    ASSERT_TRUE(s.Connect(target, kAttackerAddress, deadline));
    ASSERT_TRUE(s.Send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", deadline));
    bool closed = false;
    ASSERT_EQ(StatusOf(s.ReadUntil("}", deadline, &closed)), 200);
    ASSERT_TRUE(s.Send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n", deadline));
  }
  // Keep them trickling while the server stops; the trickle is bounded.
  std::atomic<bool> stopped{false};
  std::thread trickle([&] {
    for (int i = 0; i < 600 && !stopped; ++i) {
      for (auto& s : slow) {
        if (s.open() && !s.Send("X-Slow: 1\r\n", Clock::now() + milliseconds(100))) s.Close();
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  // ServiceProcess::Stop waits 60 s for a graceful stop, then SIGKILLs.
  const int status = service.Stop(SIGTERM);
  stopped = true;
  trickle.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the server did not stop by itself (status " << status << ")";
}

}  // namespace
}  // namespace octopus::testing
