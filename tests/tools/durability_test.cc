// A power-loss model of the ingest path. `octopus import` runs under strace;
// the recorded system calls are replayed against the rules of a POSIX
// filesystem after power loss: file data survives only once fsynced, a
// rename survives only once its directory is fsynced. The test checks that
// at the moment the database commit becomes durable (the WAL's fdatasync),
// every blob the new row names is already durable, in both data and name.
// A reordering in BlobStore or Library::Ingest makes it fail.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::Quote;

struct Event {
  enum Kind { kFsync, kRename, kWalSync } kind;
  std::string path;  // fsync: the file or directory; rename: the target
  std::string from;  // rename: the source
};

std::vector<Event> ParseTrace(const std::string& trace) {
  // With -y, strace shows each fd with its path: fsync(7</a/b>) = 0
  static const std::regex fsync_re(R"re((?:fsync|fdatasync)\(\d+<([^>]*)>\) = 0)re");
  static const std::regex rename_re(
      R"re(rename(?:at2?)?\((?:[^,]*, )?"([^"]*)", (?:[^,]*, )?"([^"]*)")re");
  std::vector<Event> out;
  std::istringstream in(trace);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, fsync_re)) {
      const std::string p = m[1];
      if (p.ends_with("octopus.db-wal")) {
        out.push_back({Event::kWalSync, p, ""});
      } else {
        out.push_back({Event::kFsync, p, ""});
      }
    } else if (line.find(" = 0") != std::string::npos && std::regex_search(line, m, rename_re)) {
      out.push_back({Event::kRename, m[2], m[1]});
    }
  }
  return out;
}

std::string Dir(const std::string& p) { return p.substr(0, p.rfind('/')); }

// Replays one thread's calls. durable_data: files whose contents were
// fsynced (followed through renames); durable_name: renamed entries, true
// once their directory was fsynced after the rename.
void CheckThread(const std::vector<Event>& events, int* blobs_out, int* commits_out) {
  std::map<std::string, bool> durable_data, durable_name;
  int blobs = 0, commits = 0;
  for (const Event& e : events) {
    switch (e.kind) {
      case Event::kFsync:
        durable_data[e.path] = true;
        for (auto& [name, ok] : durable_name) {
          if (Dir(name) == e.path) ok = true;
        }
        break;
      case Event::kRename:
        if (e.path.find("/data/storage/") == std::string::npos) break;
        // Data must be durable before the name makes it visible.
        EXPECT_TRUE(durable_data[e.from]) << "renamed before fsync: " << e.from;
        durable_data[e.path] = durable_data[e.from];
        durable_name[e.path] = false;
        ++blobs;
        break;
      case Event::kWalSync:
        ++commits;
        for (const auto& [name, ok] : durable_name) {
          EXPECT_TRUE(ok) << "database commit durable before the directory entry of " << name;
          EXPECT_TRUE(durable_data[name]) << "database commit durable before the data of " << name;
        }
        break;
    }
  }
  *blobs_out += blobs;
  *commits_out += commits;
}

TEST(DurabilityTest, BlobsAreDurableBeforeTheRowThatNamesThem) {
  if (testing::RunCommand("command -v strace >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "strace not installed (tools/setup.sh installs it)";
  }
  testing::TempDir dir;
  const std::string octopus = Quote(testing::OctopusBinary()) + " --home " + Quote(dir / "home");
  auto r = testing::RunCommand("printf 'a long enough password\\n' | " + octopus +
                               " user add alice --password-stdin");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (int i = 0; i < 3; ++i) {
    testing::WriteFile(dir / ('p' + std::to_string(i) + ".jpg"), testing::MakeJpeg(300, 200, i));
  }
  // -ff: one trace file per thread, so no line is split by another thread.
  // Each photo is ingested by one thread from start to commit, so each
  // thread's trace is checked on its own.
  std::filesystem::create_directory(dir / "trace");
  // LeakSanitizer cannot run under ptrace: in a sanitizer build it would
  // turn the traced run's exit status into a failure of its own.
  r = testing::RunCommand(
      "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
      "strace -ff -y -qq -e trace=fsync,fdatasync,rename,renameat,renameat2 -o " +
      Quote(dir / "trace" / "t") + " " + octopus + " import --user alice " + Quote(dir / "p0.jpg") +
      " " + Quote(dir / "p1.jpg") + " " + Quote(dir / "p2.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  int blobs = 0, commits = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir / "trace")) {
    CheckThread(ParseTrace(testing::ReadFile(file.path())), &blobs, &commits);
  }
  // Three photos, each an original and two thumbnails; at least one commit
  // per photo. Guards against a trace that silently matched nothing.
  EXPECT_EQ(blobs, 9);
  EXPECT_GE(commits, 3);
}

}  // namespace
}  // namespace octopus
