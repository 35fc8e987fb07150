// octopus serve [--bind ADDR] [--port N] [--mount DIR] [--user NAME]
//               [--no-mount] [--tls-cert F --tls-key F] [--docs-dir DIR]
//               [--web-dir DIR]
//
// The whole service in one process: the HTTP API and, unless --no-mount,
// one user's FUSE mount over the same library. On a fresh home an
// administrator account is created first, its password printed once.
#ifdef OCTOPUS_HAVE_HTTP

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "core/db/wait_stats.h"
#include "core/log.h"
#include "core/places/place_index.h"
#include "core/random.h"
#include "core/trash_sweeper.h"
#include "http/api_server.h"
#include "tools/octopus/cli.h"
#ifdef OCTOPUS_HAVE_FS
#include "fs/mount.h"
#endif

namespace octopus::cli {
namespace {

namespace stdfs = std::filesystem;

struct ServeArgs {
  std::string bind, mount, user, tls_cert, tls_key, docs_dir, web_dir;
  int port = -1;
  bool no_mount = false;
};

// Where `npm install` puts swagger-ui-dist: beside the source tree (the
// set-up step), or globally.
stdfs::path FindDocsDir(const std::string& flag) {
  std::vector<stdfs::path> candidates;
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("OCTOPUS_DOCS_DIR"); env && *env) return env;
  std::error_code ec;
  const stdfs::path exe = stdfs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build/tools/octopus -> <source>/web/node_modules/swagger-ui-dist
    candidates.push_back(exe.parent_path().parent_path().parent_path() / "web" / "node_modules" /
                         "swagger-ui-dist");
  }
  candidates.emplace_back("/usr/local/lib/node_modules/swagger-ui-dist");
  candidates.emplace_back("/usr/lib/node_modules/swagger-ui-dist");
  candidates.emplace_back("/usr/share/nodejs/swagger-ui-dist");
  for (const auto& dir : candidates) {
    if (stdfs::exists(dir / "swagger-ui-bundle.js", ec)) return dir;
  }
  return {};
}

// The web gallery (web/app of the source tree the binary was built in,
// beside web/node_modules, whose allow-listed packages it imports). Its
// files are read on each request: a page added or changed later is served
// without a restart.
stdfs::path FindWebDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("OCTOPUS_WEB_DIR"); env && *env) return env;
  std::error_code ec;
  const stdfs::path exe = stdfs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  // build/tools/octopus -> <source>/web/app
  const stdfs::path web = exe.parent_path().parent_path().parent_path() / "web";
  if (!stdfs::is_directory(web, ec)) return {};
  return web / "app";
}

// On a home without any user: the administrator, with the password from
// OCTOPUS_ADMIN_PASSWORD or a generated one shown once on stdout (never
// logged).
Status EnsureAdmin(Library& library, const Config& config) {
  auto users = library.ListUsers();
  if (!users.ok()) return users.status();
  if (!users->empty()) return Status::Ok();
  const bool generated = config.admin_password.empty();
  const std::string password = generated ? RandomHex(12) : config.admin_password;
  auto admin = library.CreateUser(config.admin_user, password, -1, /*is_admin=*/true);
  if (!admin.ok()) {
    return Status(admin.status().code(), "cannot create the administrator " + config.admin_user +
                                             ": " + admin.status().message());
  }
  spdlog::info("created administrator {}", admin->name);
  if (generated) {
    std::cout << "Created the administrator account '" << admin->name << "' with password:\n\n    "
              << password << "\n\nIt is shown only this once; change it with "
              << "PATCH /api/v1/users/me/password or `octopus user passwd " << admin->name << "`.\n"
              << std::flush;
  } else {
    std::cout << "Created the administrator account '" << admin->name
              << "' with the password from OCTOPUS_ADMIN_PASSWORD.\n"
              << std::flush;
  }
  return Status::Ok();
}

// A home whose users were all made with `octopus user add` (without
// --admin) has no administrator: EnsureAdmin only acts on a home without
// users, and nobody could then manage accounts through the API.
void WarnWithoutAdmin(Library& library) {
  auto users = library.ListUsers();
  if (!users.ok()) return;
  for (const User& u : *users) {
    if (u.is_admin && !u.disabled) return;
  }
  spdlog::warn(
      "this library has no administrator, so no one can manage users through the API; make one "
      "with `octopus user admin NAME`");
}

// Each connection holds two descriptors (the library's and the connection
// guard's), and refusing one needs a third for a moment; the usual soft
// limit of 1,024 would make accept() fail long before the guard's caps.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 65536);
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("cannot raise the open file limit: {}", std::strerror(errno));
  }
}

#ifdef OCTOPUS_HAVE_FS
// The user whose library is mounted: --user, else the configured admin
// name, else the first administrator.
Result<User> MountUser(Library& library, const Config& config, const std::string& flag) {
  if (!flag.empty()) return library.FindUser(flag);
  if (auto admin = library.FindUser(config.admin_user); admin.ok()) return admin;
  auto users = library.ListUsers();
  if (!users.ok()) return users.status();
  for (const User& u : *users) {
    if (u.is_admin && !u.disabled) return u;
  }
  return Status::NotFound("no user to mount; give --user NAME");
}

std::unique_ptr<fs::Mount> StartMount(Library& library, const Config& config,
                                      const ServeArgs& args) {
  auto user = MountUser(library, config, args.user);
  if (!user.ok()) {
    spdlog::warn("not mounting: {}", user.status().message());
    std::cerr << "octopus: warning: not mounting: " << user.status().message() << "\n";
    return nullptr;
  }
  fs::MountOptions options;
  options.mountpoint = args.mount.empty() ? config.mount_point : stdfs::path(args.mount);
  options.user = user->id;
  std::error_code ec;
  stdfs::create_directories(options.mountpoint, ec);
  if (Status s = CheckMountPoint(options.mountpoint); !s.ok()) {
    spdlog::warn("not mounting: {}; serving the API only", s.message());
    return nullptr;
  }
  auto mount = fs::Mount::Start(library, options);
  if (!mount.ok()) {
    // The API is still useful without the mount (a container without
    // /dev/fuse, say).
    spdlog::warn("cannot mount {}: {}; serving the API only", options.mountpoint.string(),
                 mount.status().message());
    std::cerr << "octopus: warning: cannot mount " << options.mountpoint.string() << ": "
              << mount.status().message() << "; serving the API only\n";
    return nullptr;
  }
  std::cout << "Mounted the library of " << user->name << " at " << options.mountpoint.string()
            << "\n"
            << std::flush;
  return std::move(mount).value();
}
#endif

void Serve(CliContext& ctx, const ServeArgs& args) {
  if (!args.bind.empty()) ctx.overrides["OCTOPUS_BIND"] = args.bind;
  if (args.port >= 0) ctx.overrides["OCTOPUS_PORT"] = std::to_string(args.port);
  if (!args.mount.empty()) ctx.overrides["OCTOPUS_MOUNT"] = args.mount;
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    return ctx.Fail("--tls-cert and --tls-key go together", 2);
  }
  // Signals are taken by sigwait() below. They are blocked before the
  // library starts any thread (its pool, the logger's), so every thread
  // inherits the mask and a SIGTERM arriving early is not lost nor fatal.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  // Loads the places index (ctx.places), building it on first use.
  auto library = ctx.OpenLibrary(
      {.home = HomeUse::kCreate, .places = true, .log = "server", .log_to_stderr = true});
  if (!library) return;
  const Config& config = library->config();
  FlushLogsEverySecond();  // after the signal mask above: the thread inherits it

  if (Status s = EnsureAdmin(*library, config); !s.ok()) return ctx.Fail(s.message());
  WarnWithoutAdmin(*library);
  RaiseDescriptorLimit();
  TrashSweeper sweeper(*library);  // the trash's retention time (OCTOPUS_TRASH_DAYS)

  http::ApiServerOptions options;
  options.bind = config.bind;
  options.port = config.port;
  options.tls_cert = args.tls_cert;
  options.tls_key = args.tls_key;
  options.docs_dir = FindDocsDir(args.docs_dir);
  options.web_dir = FindWebDir(args.web_dir);
  auto server = http::ApiServer::Start(*library, options);
  if (!server.ok()) return ctx.Fail(server.status().message());
  const std::string scheme = (*server)->tls() ? "https" : "http";
  const std::string url = scheme + "://" + config.bind + ":" + std::to_string((*server)->port());
  spdlog::info("serving the API at {}", url);
  std::cout << "Octopus Photos API at " << url << "/api/v1 (docs: " << url << "/docs)\n"
            << std::flush;
  if (options.docs_dir.empty()) {
    spdlog::info("swagger-ui-dist not found; /docs links the OpenAPI document");
  }

#ifdef OCTOPUS_HAVE_FS
  std::unique_ptr<fs::Mount> mount;
  if (!args.no_mount) mount = StartMount(*library, config, args);
#else
  if (!args.no_mount && !args.mount.empty()) {
    std::cerr << "octopus: warning: built without FUSE support; not mounting\n";
  }
#endif

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("signal {}: stopping", signal_number);
  std::cout << "Stopping...\n" << std::flush;
  // API first: in-flight requests finish (an upload completes its ingest).
  (*server)->Stop();
#ifdef OCTOPUS_HAVE_FS
  if (mount) {
    mount->Stop();
    mount->Wait();
  }
#endif
  library->SetPlaceIndex(nullptr);
  // The benches read this line (tests/bench/postgres_bench.sh): what the
  // process spent waiting on its database, against its CPU time.
  const std::string waits = db::FormatWaitTotals(db::ReadWaitTotals());
  spdlog::info("{}", waits);
  std::cout << waits << "\n" << std::flush;
  spdlog::info("stopped");
}

}  // namespace

void AddServeCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API (and the FUSE mount)");
  cmd->add_option("--bind", args->bind, "Address to listen on (default 127.0.0.1, OCTOPUS_BIND)");
  cmd->add_option("--port", args->port, "Port (default 8080, OCTOPUS_PORT; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--mount", args->mount,
                  "Where to mount the library (default ~/OctopusPhotos, OCTOPUS_MOUNT)");
  cmd->add_option("--user,-u", args->user, "Whose library to mount (default: the administrator)");
  cmd->add_flag("--no-mount", args->no_mount, "Serve the API only");
  cmd->add_option("--tls-cert", args->tls_cert, "Serve HTTPS with this certificate (PEM)");
  cmd->add_option("--tls-key", args->tls_key, "The certificate's private key (PEM)");
  cmd->add_option("--docs-dir", args->docs_dir,
                  "swagger-ui-dist folder for /docs (default: OCTOPUS_DOCS_DIR, then "
                  "web/node_modules beside the build, then global npm folders)");
  cmd->add_option("--web-dir", args->web_dir,
                  "The web gallery's folder, served at / and /app/ (default: OCTOPUS_WEB_DIR, "
                  "then web/app beside the build; vendor libraries from its sibling "
                  "node_modules)");
  cmd->callback([&ctx, args] { Serve(ctx, *args); });
}

}  // namespace octopus::cli

#endif  // OCTOPUS_HAVE_HTTP
