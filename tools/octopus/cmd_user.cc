// octopus user add|list|quota|passwd|admin|remove
//
// Every subcommand but `add` needs an existing library ("no library at
// DIR", exit 1); `add` creates the home on first use.
#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "tools/octopus/cli.h"
#include "tools/octopus/password_prompt.h"

namespace octopus::cli {

void AddUserCommands(CLI::App& app, CliContext& ctx) {
  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);

  struct AddArgs {
    std::string name, quota;
    bool password_stdin = false, admin = false;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = user->add_subcommand("add", "Create a user");
  add->add_option("NAME", add_args->name, "User name")->required();
  add->add_option("--quota", add_args->quota, "Storage quota (500M, 10G, 1.5T)");
  add->add_flag("--password-stdin", add_args->password_stdin, "Read the password from stdin");
  add->add_flag("--admin", add_args->admin,
                "Make the user an administrator (manages users through the API)");
  add->callback([&ctx, add_args] {
    auto lib = ctx.OpenLibrary({.home = HomeUse::kCreate});
    if (!lib) return;
    std::int64_t quota = -1;
    if (!add_args->quota.empty()) {
      auto q = ParseSize(add_args->quota);
      if (!q.ok()) return ctx.Fail(q.status().message(), 2);
      quota = *q;
    }
    std::string error;
    auto password = ReadPassword(add_args->password_stdin, true, &error);
    if (!password) return ctx.Fail(error);
    auto created = lib->CreateUser(add_args->name, *password, quota, add_args->admin);
    if (!created.ok()) return ctx.Fail(created.status().message());
    std::cout << "created " << (created->is_admin ? "administrator " : "user ") << created->name
              << " (quota " << FormatSize(created->quota_bytes) << ")\n";
  });

  auto* list = user->add_subcommand("list", "List users");
  list->callback([&ctx] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto users = lib->ListUsers();
    if (!users.ok()) return ctx.Fail(users.status().message());
    std::cout << std::left << std::setw(20) << "NAME" << std::setw(8) << "PHOTOS" << std::setw(12)
              << "USED" << std::setw(12) << "QUOTA"
              << "FLAGS\n";
    for (const User& u : *users) {
      std::string flags = u.is_admin ? "admin" : "";
      if (u.disabled) flags += flags.empty() ? "disabled" : ",disabled";
      std::cout << std::left << std::setw(20) << u.name << std::setw(8) << u.photo_count
                << std::setw(12) << FormatSize(u.used_bytes) << std::setw(12)
                << FormatSize(u.quota_bytes) << flags << "\n";
    }
  });

  struct QuotaArgs {
    std::string name, size;
  };
  auto quota_args = std::make_shared<QuotaArgs>();
  auto* quota = user->add_subcommand("quota", "Set a user's storage quota");
  quota->add_option("NAME", quota_args->name)->required();
  quota->add_option("SIZE", quota_args->size, "500M, 10G, 1.5T")->required();
  quota->callback([&ctx, quota_args] {
    auto size = ParseSize(quota_args->size);
    if (!size.ok()) return ctx.Fail(size.status().message(), 2);
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    if (Status s = lib->SetQuota(quota_args->name, *size); !s.ok()) return ctx.Fail(s.message());
    std::cout << "quota of " << quota_args->name << " set to " << FormatSize(*size) << "\n";
    // Accepted below the usage (an administrator may mean to stop a user's
    // growth), but never silently: nothing is deleted, new photos are
    // refused until the user is back under it.
    if (auto u = lib->FindUser(quota_args->name); u.ok() && u->used_bytes > u->quota_bytes) {
      std::cerr << "warning: " << u->name << " already stores " << FormatSize(u->used_bytes) << ", "
                << FormatSize(u->used_bytes - u->quota_bytes)
                << " over the new quota: their photos stay, and every new photo is refused "
                   "until they delete that much or the quota is raised\n";
    }
  });

  struct PasswdArgs {
    std::string name;
    bool password_stdin = false;
  };
  auto passwd_args = std::make_shared<PasswdArgs>();
  auto* passwd = user->add_subcommand("passwd", "Change a user's password");
  passwd->add_option("NAME", passwd_args->name)->required();
  passwd->add_flag("--password-stdin", passwd_args->password_stdin, "Read it from stdin");
  passwd->callback([&ctx, passwd_args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto u = lib->FindUser(passwd_args->name);
    if (!u.ok()) return ctx.Fail(u.status().message());
    std::string error;
    auto password = ReadPassword(passwd_args->password_stdin, true, &error);
    if (!password) return ctx.Fail(error);
    if (Status s = lib->SetPassword(passwd_args->name, *password); !s.ok()) {
      return ctx.Fail(s.message());
    }
    // A password reset by the administrator signs the user out everywhere
    // (the API's own change keeps the session that made it).
    if (Status s = lib->RevokeOtherSessions(u->id, ""); !s.ok()) return ctx.Fail(s.message());
    std::cout << "password of " << passwd_args->name << " changed; their sessions are signed out\n";
  });

  struct AdminArgs {
    std::string name;
    bool revoke = false;
  };
  auto admin_args = std::make_shared<AdminArgs>();
  auto* admin = user->add_subcommand("admin", "Make a user an administrator, or no longer one");
  admin->add_option("NAME", admin_args->name)->required();
  admin->add_flag("--revoke", admin_args->revoke, "Take administration away");
  admin->callback([&ctx, admin_args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    // Takes effect on the user's next API request, from any process.
    if (Status s = lib->SetAdmin(admin_args->name, !admin_args->revoke); !s.ok()) {
      return ctx.Fail(s.message());
    }
    std::cout << admin_args->name << (admin_args->revoke ? " is no longer" : " is now")
              << " an administrator\n";
    auto users = lib->ListUsers();
    if (admin_args->revoke && users.ok() &&
        std::none_of(users->begin(), users->end(),
                     [](const User& u) { return u.is_admin && !u.disabled; })) {
      std::cerr << "octopus: warning: the library has no administrator left; make one with "
                   "`octopus user admin NAME`\n";
    }
  });

  struct RemoveArgs {
    std::string name;
    bool yes = false;
  };
  auto remove_args = std::make_shared<RemoveArgs>();
  auto* remove = user->add_subcommand("remove", "Remove a user and all their photos");
  remove->add_option("NAME", remove_args->name)->required();
  remove->add_flag("--yes,-y", remove_args->yes, "Do not ask for confirmation");
  remove->callback([&ctx, remove_args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto u = lib->FindUser(remove_args->name);
    if (!u.ok()) return ctx.Fail(u.status().message());
    if (!remove_args->yes) {
      if (!isatty(STDIN_FILENO)) {
        return ctx.Fail("refusing to remove " + u->name + " without --yes", 2);
      }
      std::cerr << "Remove user " << u->name << " and their " << u->photo_count << " photos ("
                << FormatSize(u->used_bytes) << ")? Type the user name to confirm: " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != u->name) return ctx.Fail("not removed", 1);
    }
    if (Status s = lib->RemoveUser(u->name); !s.ok()) return ctx.Fail(s.message());
    std::cout << "removed user " << u->name << "\n";
  });
}

}  // namespace octopus::cli
