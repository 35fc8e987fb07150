// The ctest fixture `postgres_cluster` (tests/CMakeLists.txt): starts the
// cluster that the PostgreSQL tests share, each in a database of its own
// (tests/testing/postgres_server.h), and stops it after them.
//   postgres_cluster start|stop
#include <cstring>
#include <iostream>
#include <string>

#include "tests/testing/postgres_server.h"

int main(int argc, char** argv) {
  using octopus::testing::PostgresServer;
  const std::string command = argc == 2 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::cerr << "usage: postgres_cluster start|stop\n";
    return 2;
  }
  std::string why;
  const bool ok = command == "start"
                      ? PostgresServer::StartShared(OCTOPUS_TEST_POSTGRES_SHARED_DIR, &why)
                      : PostgresServer::StopShared(OCTOPUS_TEST_POSTGRES_SHARED_DIR, &why);
  if (!ok) std::cerr << "postgres_cluster " << command << ": " << why << "\n";
  return ok ? 0 : 1;
}
