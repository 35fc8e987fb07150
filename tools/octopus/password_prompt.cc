#include "tools/octopus/password_prompt.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace octopus::cli {
namespace {

// Turns terminal echo off for its lifetime.
class NoEcho {
 public:
  NoEcho() {
    if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios t = saved_;
      t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
    }
  }
  ~NoEcho() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

std::string Prompt(const char* text) {
  std::cerr << text << std::flush;
  std::string line;
  {
    NoEcho guard;
    std::getline(std::cin, line);
  }
  std::cerr << "\n";
  return line;
}

}  // namespace

std::optional<std::string> ReadPassword(bool from_stdin, bool confirm, std::string* error) {
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (!isatty(STDIN_FILENO)) {
    *error = "no terminal to ask for a password: use --password-stdin";
    return std::nullopt;
  }
  std::string first = Prompt("Password: ");
  if (confirm && Prompt("Repeat password: ") != first) {
    *error = "passwords do not match";
    return std::nullopt;
  }
  return first;
}

}  // namespace octopus::cli
