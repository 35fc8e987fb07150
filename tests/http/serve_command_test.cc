// `octopus serve` as a user starts it: a fresh home gets an administrator
// whose printed password logs in; SIGTERM stops it cleanly.
#include <gtest/gtest.h>

#include "core/config.h"
#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::Quote;

TEST(ServeCommandTest, FreshHomeGetsAnAdminAndStopsOnSigterm) {
  testing::TempDir dir;
  const std::string home = (dir / "home").string();
  const std::string out = (dir / "out.txt").string();
  // Waits (bounded) for the server to say where it listens, logs in with
  // the printed password, then sends SIGTERM and reports the exit status.
  const std::string script = "OCTOPUS_ADMIN_PASSWORD= " + Quote(testing::OctopusBinary()) +
                             " --home " + Quote(home) + " serve --no-mount --port 0 > " +
                             Quote(out) +
                             " 2>&1 & pid=$!\n"
                             "for i in $(seq 300); do grep -q 'API at' " +
                             Quote(out) +
                             " && break; sleep 0.1; done\n"
                             "port=$(sed -n 's/.*127\\.0\\.0\\.1:\\([0-9]*\\)\\/api.*/\\1/p' " +
                             Quote(out) +
                             ")\n"
                             "pw=$(grep -A2 'with password:' " +
                             Quote(out) +
                             " | tail -1 | tr -d ' ')\n"
                             "echo \"login=$(curl -s -o /dev/null -w '%{http_code}' -X POST "
                             "-H 'Content-Type: application/json' "
                             "-d \"{\\\"username\\\":\\\"admin\\\",\\\"password\\\":\\\"$pw\\\"}\" "
                             "http://127.0.0.1:$port/api/v1/auth/login)\"\n"
                             "kill -TERM $pid; wait $pid; echo \"rc=$?\"; cat " +
                             Quote(out) + "\n";
  const auto result = testing::RunCommand(script, 60);
  EXPECT_NE(result.output.find("Created the administrator account 'admin' with password:"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("login=200"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("rc=0"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("stopped"), std::string::npos) << result.output;

  auto config = LoadConfig({{"OCTOPUS_HOME", home}});
  ASSERT_TRUE(config.ok());
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok());
  auto admin = (*lib)->FindUser("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->is_admin);

  // A second start creates nobody and prints no password. It writes to its
  // own file: waiting on the first run's "API at" would send SIGTERM before
  // this server has even started.
  const std::string out2 = (dir / "out2.txt").string();
  const auto again = testing::RunCommand(
      Quote(testing::OctopusBinary()) + " --home " + Quote(home) + " serve --no-mount --port 0 > " +
          Quote(out2) +
          " 2>&1 & pid=$!\n"
          "for i in $(seq 300); do grep -q 'API at' " +
          Quote(out2) +
          " && break; sleep 0.1; done\nkill -TERM $pid; wait $pid; echo \"rc=$?\"; cat " +
          Quote(out2),
      60);
  EXPECT_EQ(again.output.find("password"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("rc=0"), std::string::npos) << again.output;
}

TEST(ServeCommandTest, APortInUseIsAClearErrorAndExit1) {
  // cpp-httplib's default socket options set SO_REUSEPORT, with which a
  // second server bound the same port without a word and the kernel split
  // the connections between two libraries. (Were it to start, `timeout`
  // ends it: rc 124.)
  testing::TempDir dir;
  const std::string out = (dir / "first.txt").string();
  const std::string octopus = Quote(testing::OctopusBinary());
  const std::string script = octopus + " --home " + Quote((dir / "one").string()) +
                             " serve --no-mount --port 0 > " + Quote(out) +
                             " 2>&1 & pid=$!\n"
                             "for i in $(seq 300); do grep -q 'API at' " +
                             Quote(out) +
                             " && break; sleep 0.1; done\n"
                             "port=$(sed -n 's/.*127\\.0\\.0\\.1:\\([0-9]*\\)\\/api.*/\\1/p' " +
                             Quote(out) + ")\ntimeout 15 " + octopus + " --home " +
                             Quote((dir / "two").string()) +
                             " serve --no-mount --port $port; echo \"second rc=$?\"\n"
                             "kill -TERM $pid; wait $pid; echo \"first rc=$?\"\n";
  const auto result = testing::RunCommand(script, 60);
  EXPECT_NE(result.output.find("second rc=1"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Address already in use"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("first rc=0"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace octopus
