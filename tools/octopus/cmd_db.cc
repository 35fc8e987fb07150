// octopus db migrate --to URL
//
// Copies the library's SQLite database into an empty PostgreSQL database
// (core/store/database_copy.h). The URL is never printed nor logged: it
// may hold a password.
#include <iostream>

#include "core/store/database_copy.h"
#include "tools/octopus/cli.h"

namespace octopus::cli {

void AddDbCommands(CLI::App& app, CliContext& ctx) {
  auto* db = app.add_subcommand("db", "Manage the library's database");
  db->require_subcommand(1);

  auto to = std::make_shared<std::string>();
  auto* migrate = db->add_subcommand(
      "migrate",
      "Copy the library's SQLite database into an empty PostgreSQL database, and verify the "
      "copy (the photo files stay where they are). Stop the service first: what it writes "
      "after the copy begins is not copied");
  migrate
      ->add_option("--to", *to,
                   "PostgreSQL connection string or URL (postgresql://user@host/db); keep the "
                   "password in ~/.pgpass or PGPASSWORD rather than here")
      ->required();
  migrate->callback([&ctx, to] {
    auto config = ctx.LoadConfig(HomeUse::kExisting);
    if (!config.ok()) return ctx.Fail(config.status().message());
    const std::filesystem::path source = config->database_path();
    std::cout << "copying " << source.string() << " to PostgreSQL\n";
    DatabaseCopyOptions options;
    options.on_table = [](const TableCopy& copied) {
      std::cout << "  " << copied.table << ": " << copied.rows << " rows\n" << std::flush;
    };
    auto report = CopySqliteToPostgres(source, *to, options);
    if (!report.ok()) {
      std::cerr << "octopus: " << report.status().message() << "\n";
      return ctx.Fail("nothing was copied: the copy is all or nothing");
    }
    std::cout << "verified: the row counts of " << report->tables.size()
              << " tables and the usage of " << report->users_checked
              << " users are equal in both databases\n"
              << "done: point the service at the PostgreSQL database; the photo files stay "
                 "where they are\n";
  });
}

}  // namespace octopus::cli
