// Rewrites SQLite-style named parameters (":owner") into PostgreSQL's
// positional ones ("$1"), for the PostgreSQL backend. Pure text work, kept
// apart so it can be tested (and fuzzed) without a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace octopus::db {

struct PositionalSql {
  std::string sql;                 // with $1, $2, ...
  std::vector<std::string> names;  // names[i] is $(i+1), colon included
};

// A name used twice maps to one $n. Left alone: text inside '...' (E'...'
// with its backslash escapes too), "..." identifiers, $tag$...$tag$ bodies,
// -- and /* */ comments, `::` casts, and a colon not followed by a letter or
// underscore (array slices "a[1:2]"). An existing "$1" in the text is not
// renumbered: do not mix the two styles.
PositionalSql ToPositionalParameters(std::string_view sql);

}  // namespace octopus::db
