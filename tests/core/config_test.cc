#include "core/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

TEST(ConfigTest, FirstUseCreatesTheLayoutAndAPrivateSecret) {
  testing::TempDir dir;
  auto c = LoadConfig({{"OCTOPUS_HOME", (dir / "h").string()}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  for (const char* sub : {"data/storage", "data/logs", "instance"}) {
    EXPECT_TRUE(std::filesystem::is_directory(dir / "h" / sub)) << sub;
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir / "h" / ".env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(c->secret_key.size(), 64u);
  // The secret is stable across starts.
  auto again = LoadConfig({{"OCTOPUS_HOME", (dir / "h").string()}});
  EXPECT_EQ(again->secret_key, c->secret_key);
}

// Read-only commands load the config this way: a mistyped home must be an
// error, never a new empty library.
TEST(ConfigTest, ExistingHomeOnlyIsRequiredWithoutCreatingOne) {
  testing::TempDir dir;
  const auto home = dir / "typo";
  auto missing = LoadConfig({{"OCTOPUS_HOME", home.string()}}, HomeUse::kExisting);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "no library at " + home.string());
  EXPECT_FALSE(std::filesystem::exists(home));

  // The layout alone (left by a first use that made no database) is not a
  // library either, and is left as it is.
  ASSERT_TRUE(LoadConfig({{"OCTOPUS_HOME", home.string()}}).ok());
  auto empty = LoadConfig({{"OCTOPUS_HOME", home.string()}}, HomeUse::kExisting);
  EXPECT_EQ(empty.status().code(), Code::kNotFound);

  testing::WriteFile(home / "instance" / "octopus.db", "");
  auto found = LoadConfig({{"OCTOPUS_HOME", home.string()}}, HomeUse::kExisting);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->home, home);
}

TEST(ConfigTest, FlagsBeatEnvironmentWhichBeatsDotEnv) {
  testing::TempDir dir;
  const auto home = (dir / "h").string();
  ASSERT_TRUE(LoadConfig({{"OCTOPUS_HOME", home}}).ok());
  {
    std::ofstream env(dir / "h" / ".env", std::ios::app);
    env << "OCTOPUS_PORT=7001\nOCTOPUS_DEFAULT_QUOTA=2G\nOCTOPUS_BIND=\"0.0.0.0\"\n";
  }
  auto from_file = LoadConfig({{"OCTOPUS_HOME", home}});
  EXPECT_EQ(from_file->port, 7001);
  EXPECT_EQ(from_file->default_quota_bytes, 2'000'000'000);
  EXPECT_EQ(from_file->bind, "0.0.0.0");
  setenv("OCTOPUS_PORT", "7002", 1);
  EXPECT_EQ(LoadConfig({{"OCTOPUS_HOME", home}})->port, 7002);
  EXPECT_EQ(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_PORT", "7003"}})->port, 7003);
  unsetenv("OCTOPUS_PORT");
  auto bad = LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_PORT", "eighty"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("OCTOPUS_PORT"), std::string::npos);
}

TEST(ConfigTest, DatabaseUrlChoosesTheBackendAndIsNeverEchoed) {
  testing::TempDir dir;
  const auto home = (dir / "h").string();
  auto plain = LoadConfig({{"OCTOPUS_HOME", home}});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->database_is_sqlite());
  EXPECT_TRUE(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_DATABASE_URL", "sqlite:"}})
                  ->database_is_sqlite());
  for (const std::string url :
       {"postgresql://octopus@db/octopus", "postgres://o:pw@db:5433/o?sslmode=require",
        "host=/run/postgresql dbname=octopus", "dbname=octopus"}) {
    auto c = LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_DATABASE_URL", url}});
    ASSERT_TRUE(c.ok()) << url << ": " << c.status().message();
    EXPECT_FALSE(c->database_is_sqlite()) << url;
    EXPECT_EQ(c->database_url, url);
  }
  {
    std::ofstream env(dir / "h" / ".env", std::ios::app);
    env << "OCTOPUS_DATABASE_URL=postgresql://from-dotenv/db\n";
  }
  EXPECT_EQ(LoadConfig({{"OCTOPUS_HOME", home}})->database_url, "postgresql://from-dotenv/db");
  setenv("OCTOPUS_DATABASE_URL", "postgresql://from-env/db", 1);
  EXPECT_EQ(LoadConfig({{"OCTOPUS_HOME", home}})->database_url, "postgresql://from-env/db");
  EXPECT_EQ(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_DATABASE_URL", "sqlite:"}})->database_url,
            "sqlite:");
  unsetenv("OCTOPUS_DATABASE_URL");
  for (const std::string bad :
       {"mysql://root:hunter2secret@db/x", "sqlite:/tmp/hunter2secret", "hunter2secret"}) {
    auto c = LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_DATABASE_URL", bad}});
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.status().message().find("OCTOPUS_DATABASE_URL"), std::string::npos);
    EXPECT_EQ(c.status().message().find("hunter2"), std::string::npos) << c.status().message();
  }
}

TEST(ConfigTest, NetworkSettingsHaveSafeDefaultsAndAreChecked) {
  testing::TempDir dir;
  const auto home = (dir / "h").string();
  auto c = LoadConfig({{"OCTOPUS_HOME", home}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->max_connections_per_address, 32);
  EXPECT_EQ(c->header_timeout_seconds, 10);
  EXPECT_EQ(c->body_timeout_seconds, 30);
  EXPECT_EQ(c->trusted_proxies, "") << "no front is trusted unless configured";
  EXPECT_EQ(c->accel_redirect, "") << "X-Accel-Redirect is off unless configured";
  auto set = LoadConfig({{"OCTOPUS_HOME", home},
                         {"OCTOPUS_ACCEL_REDIRECT", "/_octopus_blobs/"},
                         {"OCTOPUS_TRUSTED_PROXIES", "127.0.0.1, ::1"},
                         {"OCTOPUS_HEADER_TIMEOUT", "5"}});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->accel_redirect, "/_octopus_blobs/");
  EXPECT_EQ(set->trusted_proxies, "127.0.0.1, ::1");
  EXPECT_EQ(set->header_timeout_seconds, 5);
  for (const char* bad : {"_octopus_blobs/", "/_octopus_blobs", "/a b/", "/a?x=1/"}) {
    auto r = LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_ACCEL_REDIRECT", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("OCTOPUS_ACCEL_REDIRECT"), std::string::npos);
  }
  EXPECT_FALSE(
      LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS", "0"}}).ok());
  EXPECT_FALSE(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_HEADER_TIMEOUT", "0"}}).ok());
}

// Issue 15 (4): registration was open by default, and each anonymous
// account got the administrator's default quota.
TEST(ConfigTest, RegistrationIsClosedByDefaultWithASmallerQuota) {
  testing::TempDir dir;
  const auto home = (dir / "h").string();
  auto c = LoadConfig({{"OCTOPUS_HOME", home}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->open_registration);
  EXPECT_LT(c->registration_quota_bytes, c->default_quota_bytes);
  EXPECT_EQ(c->registrations_per_hour, 5);
  auto open = LoadConfig({{"OCTOPUS_HOME", home},
                          {"OCTOPUS_OPEN_REGISTRATION", "true"},
                          {"OCTOPUS_REGISTRATION_QUOTA", "200M"},
                          {"OCTOPUS_REGISTRATIONS_PER_HOUR", "2"}});
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_TRUE(open->open_registration);
  EXPECT_EQ(open->registration_quota_bytes, 200'000'000);
  EXPECT_EQ(open->registrations_per_hour, 2);
  EXPECT_FALSE(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_REGISTRATIONS_PER_HOUR", "0"}}).ok());
  EXPECT_FALSE(LoadConfig({{"OCTOPUS_HOME", home}, {"OCTOPUS_REGISTRATION_QUOTA", "lots"}}).ok());
}

TEST(ConfigTest, ParsesAndFormatsSizes) {
  EXPECT_EQ(*ParseSize("500M"), 500'000'000);
  EXPECT_EQ(*ParseSize("10G"), 10'000'000'000);
  EXPECT_EQ(*ParseSize("1.5T"), 1'500'000'000'000);
  EXPECT_EQ(*ParseSize("123"), 123);
  EXPECT_EQ(*ParseSize("2GiB"), 2LL * 1024 * 1024 * 1024);
  EXPECT_EQ(*ParseSize("10 gb"), 10'000'000'000);
  EXPECT_FALSE(ParseSize("").ok());
  EXPECT_FALSE(ParseSize("ten").ok());
  EXPECT_FALSE(ParseSize("5X").ok());
  EXPECT_FALSE(ParseSize("-5M").ok());
  EXPECT_EQ(FormatSize(5'200'000), "5.2 MB");
  EXPECT_EQ(FormatSize(10'000'000'000), "10 GB");
  EXPECT_EQ(FormatSize(512), "512 B");
}

}  // namespace
}  // namespace octopus
