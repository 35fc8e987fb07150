#include "core/db/named_parameters.h"

#include <algorithm>

namespace octopus::db {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

// Copies from sql[i] (an opening quote) through the closing one; a doubled
// quote is an escaped quote. `backslash`: E'...' strings, where \' escapes.
std::size_t CopyQuoted(std::string_view sql, std::size_t i, bool backslash, std::string& out) {
  const char quote = sql[i];
  out += sql[i++];
  while (i < sql.size()) {
    const char c = sql[i];
    out += c;
    ++i;
    if (backslash && c == '\\' && i < sql.size()) {
      out += sql[i++];
    } else if (c == quote) {
      if (i < sql.size() && sql[i] == quote) {
        out += sql[i++];
      } else {
        break;
      }
    }
  }
  return i;
}

}  // namespace

PositionalSql ToPositionalParameters(std::string_view sql) {
  PositionalSql result;
  std::string& out = result.sql;
  out.reserve(sql.size() + 8);
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\'' || c == '"') {
      const bool escape_string = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                                 (i < 2 || !IsIdentChar(sql[i - 2]));
      i = CopyQuoted(sql, i, escape_string, out);
    } else if (c == '-' && next == '-') {
      const std::size_t end = std::min(sql.find('\n', i), sql.size());
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && next == '*') {
      // PostgreSQL's block comments nest.
      int depth = 0;
      std::size_t j = i;
      do {
        if (sql.compare(j, 2, "/*") == 0) {
          ++depth;
          j += 2;
        } else if (sql.compare(j, 2, "*/") == 0) {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      } while (depth > 0 && j < sql.size());
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '$' && (next == '$' || IsIdentStart(next)) &&
               (i == 0 || !IsIdentChar(sql[i - 1]))) {
      // $tag$ ... $tag$ (a dollar-quoted body), when it is one.
      std::size_t j = i + 1;
      while (j < sql.size() && IsIdentChar(sql[j]) && sql[j] != '$') ++j;
      if (j < sql.size() && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        const std::size_t end = close == std::string_view::npos ? sql.size() : close + tag.size();
        out.append(sql.substr(i, end - i));
        i = end;
      } else {
        out += c;
        ++i;
      }
    } else if (c == ':' && next == ':') {
      out += "::";  // a cast: the type name after it is not a parameter
      i += 2;
    } else if (c == ':' && IsIdentStart(next)) {
      std::size_t j = i + 1;
      while (j < sql.size() && IsIdentChar(sql[j])) ++j;
      const std::string name(sql.substr(i, j - i));
      auto it = std::find(result.names.begin(), result.names.end(), name);
      if (it == result.names.end()) {
        result.names.push_back(name);
        it = result.names.end() - 1;
      }
      out += '$';
      out += std::to_string(it - result.names.begin() + 1);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return result;
}

}  // namespace octopus::db
