// ToPositionalParameters: SQLite's :name to PostgreSQL's $n, text only.
#include "core/db/named_parameters.h"

#include <gtest/gtest.h>

namespace octopus::db {
namespace {

TEST(DatabaseNamedParametersTest, RepeatedNameMapsToOnePosition) {
  const PositionalSql p = ToPositionalParameters("SELECT :a, :b, :a FROM t WHERE x = :b_2");
  EXPECT_EQ(p.sql, "SELECT $1, $2, $1 FROM t WHERE x = $3");
  EXPECT_EQ(p.names, (std::vector<std::string>{":a", ":b", ":b_2"}));
}

TEST(DatabaseNamedParametersTest, QuotesCommentsAndCastsAreLeftAlone) {
  const PositionalSql p = ToPositionalParameters(
      "SELECT ':no', 'it''s :no', E'\\' :no', \"col:no\", :yes::bigint, a[1:2], "
      "$$ :no $$, $t$ :no $t$ -- :no\n/* :no /* :no */ */ :also");
  EXPECT_EQ(p.sql,
            "SELECT ':no', 'it''s :no', E'\\' :no', \"col:no\", $1::bigint, a[1:2], "
            "$$ :no $$, $t$ :no $t$ -- :no\n/* :no /* :no */ */ $2");
  EXPECT_EQ(p.names, (std::vector<std::string>{":yes", ":also"}));
}

TEST(DatabaseNamedParametersTest, UnterminatedTextDoesNotRunPastTheEnd) {
  EXPECT_EQ(ToPositionalParameters("SELECT 'abc :x").names.size(), 0u);
  EXPECT_EQ(ToPositionalParameters("SELECT $x$ :x").sql, "SELECT $x$ :x");
  EXPECT_EQ(ToPositionalParameters("SELECT :").sql, "SELECT :");
  EXPECT_EQ(ToPositionalParameters("/* :x").names.size(), 0u);
}

}  // namespace
}  // namespace octopus::db
