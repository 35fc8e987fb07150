// The ceiling of the HTTP library itself, for http_bench.sh: cpp-httplib
// with the API server's settings (a thread per connection, keep-alive,
// TCP_NODELAY) answering GET <path> with the bytes of <root>/<path> held in
// memory, with the same caching headers. No routing table, authentication,
// database, file read or access log: what is left is the library's own cost
// per request, which no handler of ours can go below.
// Usage: httplib_ceiling ROOT PATHS_FILE   (prints the port, then serves)
#include <httplib.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: httplib_ceiling ROOT PATHS_FILE\n";
    return 2;
  }
  std::unordered_map<std::string, std::string> files;
  std::ifstream paths(argv[2]);
  for (std::string path; std::getline(paths, path);) {
    std::ifstream in(std::string(argv[1]) + path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[path] = bytes.str();
  }
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(128); };
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(1000);
  server.set_tcp_nodelay(true);
  // As the API server does: a backlog of more than the library's 5 (see
  // http/api_server.cc), or 64 connections opening at once lose SYNs.
  int listen_fd = -1;
  server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  server.Get(".*", [&files](const httplib::Request& req, httplib::Response& res) {
    const auto it = files.find(req.path);
    if (it == files.end()) {
      res.status = 404;
      return;
    }
    res.set_header("ETag", "\"0123456789abcdef0123456789abcdef0123456789abcdef-small\"");
    res.set_header("Cache-Control", "private, max-age=31536000, immutable");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(it->second, "image/jpeg");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0 || ::listen(listen_fd, SOMAXCONN) != 0) return 1;
  std::printf("%d\n", port);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}
