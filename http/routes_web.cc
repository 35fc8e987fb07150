// GET / (the web gallery's index.html) and its files under /app/: the page
// from web_dir, vendor libraries under /app/vendor/ from an allow-list of
// npm packages. No directory listings; a path that leaves its folder, by
// "..", an encoded "%2e%2e" (the library decodes before routing) or a
// symbolic link, is 404.
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "http/connection_guard.h"
#include "http/error_map.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

namespace stdfs = std::filesystem;

constexpr const char* kPagePolicy =
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
constexpr const char* kRevalidate = "no-cache";
// Vendor files are named by version in the page's import map: a new
// version is a new URL.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

// The npm packages a page may import; nothing else of node_modules (which
// holds build tools and data) is served.
constexpr std::array<std::string_view, 6> kVendorPackages = {
    "lit", "lit-html", "lit-element", "@lit/reactive-element", "preact", "htm"};

// Only these types are served, so a stray file (a .map, a README, a
// package's own scripts) of an unknown kind is never sent.
const char* ContentTypeOf(const stdfs::path& file) {
  const std::string ext = file.extension().string();
  struct Type {
    const char* ext;
    const char* type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& t : kTypes) {
    if (strcasecmp(ext.c_str(), t.ext) == 0) return t.type;
  }
  return nullptr;
}

// `relative` ("js/app.js") as a regular file inside `root`, after every
// symbolic link is followed; nothing when any segment is empty, "." or
// "..", or hidden, when the file is missing, or when it lies outside root.
std::optional<stdfs::path> FileUnder(const stdfs::path& root, std::string_view relative) {
  if (relative.empty() || root.empty()) return std::nullopt;
  std::string_view rest = relative;
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.' ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      return std::nullopt;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::error_code ec;
  const stdfs::path base = stdfs::canonical(root, ec);
  if (ec) return std::nullopt;
  const stdfs::path file = stdfs::canonical(base / stdfs::path(relative), ec);
  if (ec) return std::nullopt;
  const std::string prefix = base.string() + "/";
  if (file.string().compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (!stdfs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::string HttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<std::time_t> ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

// Sends `file` with validators: a weak-free ETag of size and modification
// time, Last-Modified, and 304 when the client's copy is current.
void SendFile(const httplib::Request& req, httplib::Response& res, const stdfs::path& file,
              const char* cache_control) {
  const char* type = ContentTypeOf(file);
  struct stat st {};
  if (type == nullptr || ::stat(file.c_str(), &st) != 0) {
    return SendError(res, 404, "not_found", "no such file");
  }
  std::ostringstream tag;
  tag << '"' << std::hex << st.st_size << '-' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec
      << '"';
  const std::string etag = tag.str();
  res.set_header("ETag", etag);
  res.set_header("Last-Modified", HttpDate(st.st_mtim.tv_sec));
  res.set_header("Cache-Control", cache_control);
  if (std::string_view(type).rfind("text/html", 0) == 0) {
    res.set_header("Content-Security-Policy", kPagePolicy);
  }
  bool current = false;
  if (req.has_header("If-None-Match")) {
    current = EtagMatches(req.get_header_value("If-None-Match"), etag);
  } else if (req.has_header("If-Modified-Since")) {
    const auto since = ParseHttpDate(req.get_header_value("If-Modified-Since"));
    current = since && st.st_mtim.tv_sec <= *since;
  }
  if (current) {
    res.status = 304;
    return;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in) return SendError(res, 404, "not_found", "no such file");
  res.status = 200;
  res.set_content(body.str(), type);
}

// The "version" of an npm package's package.json; empty when unreadable.
std::string InstalledVersion(const stdfs::path& package_dir) {
  std::ifstream in(package_dir / "package.json", std::ios::binary);
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  const auto v = j.find("version");
  return v != j.end() && v->is_string() ? v->get<std::string>() : std::string();
}

// An allow-listed package as installed when the server started.
struct VendorPackage {
  std::string_view name;
  stdfs::path dir;
  std::string version;  // empty: unreadable, and no versioned URL is served
};

// Read once: the allow-list is fixed, and parsing a package.json on every
// versioned request cost more than serving the file. Hazard: a package
// upgraded while the server runs (tools/setup.sh) keeps its old version
// here, so its old versioned URLs would serve the new files; restart the
// server after an upgrade. Empty when there is no node_modules to serve.
std::vector<VendorPackage> ReadVendorPackages(const ApiServerOptions& options) {
  stdfs::path modules = options.web_modules_dir;
  if (modules.empty() && !options.web_dir.empty()) {
    modules = (options.web_dir / "..").lexically_normal() / "node_modules";
  }
  // Never a relative path: that would be the server's working directory.
  if (modules.empty()) return {};
  std::vector<VendorPackage> packages;
  for (std::string_view name : kVendorPackages) {
    stdfs::path dir = modules / stdfs::path(name);
    std::string version = InstalledVersion(dir);
    packages.push_back({name, std::move(dir), std::move(version)});
  }
  return packages;
}

// /app/<relative>: the vendor allow-list, or the page's own files.
void ServeAppFile(const ServerState& state, const std::vector<VendorPackage>& vendor,
                  const httplib::Request& req, httplib::Response& res) {
  constexpr std::string_view kPrefix = "/app/";
  std::string_view relative = std::string_view(req.path).substr(kPrefix.size());
  constexpr std::string_view kVendor = "vendor/";
  if (relative.rfind(kVendor, 0) == 0) {
    relative.remove_prefix(kVendor.size());
    // "lit/index.js" or, scoped, "@lit/reactive-element/x.js"; either may
    // name its version, "lit@3.1.2/index.js".
    std::size_t end = relative.find('/');
    if (!relative.empty() && relative.front() == '@' && end != std::string_view::npos) {
      end = relative.find('/', end + 1);
    }
    if (end == std::string_view::npos) return SendError(res, 404, "not_found", "no such file");
    std::string_view name = relative.substr(0, end);
    std::string_view version;
    if (const std::size_t at = name.rfind('@'); at != std::string_view::npos && at > 0) {
      version = name.substr(at + 1);
      name = name.substr(0, at);
      if (version.empty()) return SendError(res, 404, "not_found", "no such file");
    }
    const auto package = std::find_if(vendor.begin(), vendor.end(),
                                      [name](const VendorPackage& p) { return p.name == name; });
    if (package == vendor.end()) return SendError(res, 404, "not_found", "no such file");
    // Cached for a year under this URL: a versioned URL must be served by
    // that version only, or a page upgraded later would keep a stale copy.
    if (!version.empty() && package->version != version) {
      return SendError(res, 404, "not_found", "that version of the package is not installed");
    }
    const auto file = FileUnder(package->dir, relative.substr(end + 1));
    if (!file) return SendError(res, 404, "not_found", "no such file");
    return SendFile(req, res, *file, kImmutable);
  }
  const auto file = FileUnder(state.options.web_dir, relative);
  if (!file) return SendError(res, 404, "not_found", "no such file");
  SendFile(req, res, *file, kRevalidate);
}

}  // namespace

void AddWebRoutes(RouteTable& table, httplib::Server& server, ServerState& state) {
  const ServerState* s = &state;
  table.Add({"GET", "/", Access::kPublic,
             [s](const httplib::Request& req, httplib::Response& res, const Caller&) {
               if (auto index = FileUnder(s->options.web_dir, "index.html")) {
                 return SendFile(req, res, *index, kRevalidate);
               }
               res.set_header("Content-Security-Policy", kPagePolicy);
               SendHtml(res, HomePage());
             },
             nullptr});
  server.Get("/app/(.*)", [s, vendor = ReadVendorPackages(state.options)](
                              const httplib::Request& req, httplib::Response& res) {
    ConnectionGuard::OnHandlerStarted();  // the library has read the (empty) body
    ServeAppFile(*s, vendor, req, res);
  });
}

}  // namespace octopus::http
