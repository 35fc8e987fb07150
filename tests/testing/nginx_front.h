// nginx in front of a running `octopus serve`, configured with the shipped
// site file (deploy/nginx/octopus-photos.conf) on loopback, from a
// temporary directory: its "# EDIT" lines are rewritten (the listening
// ports, a self-signed certificate made here with openssl, the log files,
// the blob store, octopus's address) and any EDIT line this harness does
// not know fails the start, so that the tests always run the file as
// shipped. nginx runs in the foreground as a child, stopped and reaped on
// destruction.
//
// Not thread-safe: one test thread drives it.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace octopus::testing {

class NginxFront {
 public:
  // `dir`: a fresh directory for nginx's files; `storage`: the home's
  // data/storage; `octopus_port`: where octopus listens on 127.0.0.1.
  NginxFront(std::filesystem::path dir, std::filesystem::path storage, int octopus_port);
  // Several `octopus serve` on one library: the upstream block lists one
  // server line per port (README, "Scaling out").
  NginxFront(std::filesystem::path dir, std::filesystem::path storage,
             std::vector<int> octopus_ports);
  ~NginxFront();
  NginxFront(const NginxFront&) = delete;
  NginxFront& operator=(const NginxFront&) = delete;

  // nginx and openssl are installed (tools/setup.sh installs them).
  static bool Available();
  // The shipped site file.
  static std::filesystem::path SiteFile();

  // Writes the configuration, checks it with `nginx -t`, starts nginx and
  // waits (bounded) until its TLS port accepts connections.
  ::testing::AssertionResult Start();
  void Stop();

  int https_port() const { return https_port_; }  // TLS, HTTP/1.1 and HTTP/2
  int http_port() const { return http_port_; }    // redirects to https
  std::string ErrorLog() const;

 private:
  std::filesystem::path dir_, storage_;
  std::vector<int> octopus_ports_;
  int https_port_ = 0, http_port_ = 0;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

}  // namespace octopus::testing
