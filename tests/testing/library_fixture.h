// A library in a temporary home with two users, alice and bob (10 MB quota
// each), for the core tests that drive a Library directly. Header-only: the
// core test program links the core library, the shared test helpers do not.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/config.h"
#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus::testing {

class TwoUserLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = LoadConfig({{"OCTOPUS_HOME", (home_ / "home").string()}});
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = *config;
    auto lib = Library::Open(config_);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(lib).value();
    auto alice = lib_->CreateUser("alice", "correct horse", 10'000'000);
    ASSERT_TRUE(alice.ok()) << alice.status().message();
    alice_ = alice->id;
    auto bob = lib_->CreateUser("bob", "battery staple", 10'000'000);
    ASSERT_TRUE(bob.ok()) << bob.status().message();
    bob_ = bob->id;
  }

  // Deleting as a person does moves to the trash; this is the trash emptied
  // too: the photo gone for good.
  Status DeleteForGood(UserId owner, const std::string& id) {
    if (Status s = lib_->DeletePhoto(owner, id); !s.ok()) return s;
    return lib_->PurgePhoto(owner, id);
  }

  TempDir home_;
  Config config_;
  std::unique_ptr<Library> lib_;
  UserId alice_ = 0, bob_ = 0;
};

}  // namespace octopus::testing
