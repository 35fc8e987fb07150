// Drives a Filesystem directly, without a kernel or fusermount: the same
// entry points the FUSE handlers (fs/op_*.cc) call, over a real library in
// a temporary home (testing::TwoUserLibraryTest: alice and bob), mounted as
// alice's. Paths are relative to the mount's top ("all/IMG_0001.JPG");
// each helper returns the errno the handler would have replied (0: done).
// What the kernel would have been told to forget is recorded: Sent() runs
// one refresher pass and returns it. The real-mount tests (mount_test.cc,
// posix_test.cc) check the same rules from a program's side.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs/filesystem.h"
#include "tests/testing/library_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus::fs {

// For gtest's messages: {parent, "name", ino}.
inline void PrintTo(const Invalidation& i, std::ostream* os) {
  *os << "{" << i.parent << ", \"" << i.name << "\", " << i.ino << "}";
}

// The kernel's side, recorded: an entry's invalidation as {parent, name,
// 0}, an inode's as {0, "", ino}.
class RecordingKernel final : public KernelNotifier {
 public:
  void InvalEntry(Ino parent, std::string_view name) override {
    std::lock_guard lock(mu_);
    sent_.push_back({parent, std::string(name), 0});
  }
  void InvalInode(Ino ino) override {
    std::lock_guard lock(mu_);
    sent_.push_back({0, "", ino});
  }
  std::vector<Invalidation> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Invalidation> sent_;
};

class FilesystemTest : public testing::TwoUserLibraryTest {
 protected:
  void SetUp() override {
    TwoUserLibraryTest::SetUp();
    if (HasFatalFailure()) return;
    Start();
  }

  // A fresh Filesystem over the library (as a remount makes).
  void Start(bool read_only = false) {
    fs_.reset();
    MountOptions options;
    options.user = alice_;
    options.read_only = read_only;
    fs_ = std::make_unique<Filesystem>(*lib_, options);
    auto kernel = std::make_unique<RecordingKernel>();
    kernel_ = kernel.get();
    fs_->SetKernel(std::move(kernel));
    Status s = fs_->Load();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // --- the library's side ---

  // Imports a generated JPEG as alice (as another process would) and lets
  // the mount follow; what that sent the kernel is dropped. Returns its id.
  std::string AddPhoto(const std::string& name, int seed) {
    const auto source = home_ / ("src-" + std::to_string(seed));
    testing::WriteFile(source, testing::MakeJpeg(64, 48, seed));
    IngestRequest req;
    req.source = source;
    req.filename = name;
    auto r = lib_->Ingest(alice_, req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    (void)Sent();
    return r.ok() ? r->photo.id : "";
  }
  Photo PhotoById(const std::string& id) {
    auto p = lib_->GetPhoto(alice_, id);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Photo{};
  }
  // Photos in the library, the trash's included.
  std::size_t PhotoCount() {
    auto all = lib_->AllPhotos(alice_);
    return all.ok() ? all->size() : 0;
  }

  // --- the mount's side, by path ---

  // The inode at `path` ("" is the top), found as the kernel does: one
  // lookup per name.
  int Resolve(const std::string& path, Ino* ino, fuse_entry_param* entry = nullptr) {
    Ino at = Tree::kRoot;
    fuse_entry_param e{};
    std::string_view rest = path;
    while (!rest.empty()) {
      const std::size_t slash = rest.find('/');
      const std::string name(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
      if (int err = fs_->Lookup(at, name, &e); err != 0) return err;
      at = e.ino;
    }
    *ino = at;
    if (entry != nullptr) *entry = e;
    return 0;
  }
  // The folder and the name of `path`'s last component (its folder looked up).
  int Split(const std::string& path, Ino* parent, std::string* name) {
    const std::size_t slash = path.rfind('/');
    *name = slash == std::string::npos ? path : path.substr(slash + 1);
    return Resolve(slash == std::string::npos ? "" : path.substr(0, slash), parent);
  }

  int Lookup(const std::string& path, struct stat* st = nullptr) {
    Ino ino = 0;
    fuse_entry_param e{};
    const int err = Resolve(path, &ino, &e);
    if (err == 0 && st != nullptr) *st = e.attr;
    return err;
  }
  // The names a listing shows, "." and ".." left out.
  int ReadDir(const std::string& path, std::vector<std::string>* names) {
    Ino ino = 0;
    if (int err = Resolve(path, &ino); err != 0) return err;
    std::unique_ptr<DirHandle> dir;
    if (int err = fs_->OpenDir(ino, &dir); err != 0) return err;
    names->clear();
    return fs_->ReadDir(*dir, 0, [&](const char* name, const fuse_entry_param&, off_t) {
      if (std::string_view(name) != "." && std::string_view(name) != "..") names->push_back(name);
      return true;
    });
  }
  // ReadDir that must succeed.
  std::vector<std::string> Names(const std::string& path) {
    std::vector<std::string> names;
    EXPECT_EQ(ReadDir(path, &names), 0) << path;
    std::sort(names.begin(), names.end());
    return names;
  }

  int Create(const std::string& path, std::unique_ptr<Handle>* h,
             int flags = O_WRONLY | O_CREAT | O_TRUNC) {
    Ino parent = 0;
    std::string name;
    if (int err = Split(path, &parent, &name); err != 0) return err;
    fuse_entry_param e{};
    return fs_->Create(parent, name, flags, &e, h);
  }
  int Write(Handle& h, std::string_view bytes, off_t off = 0) {
    if (h.kind != Handle::kWrite) return EBADF;
    return fs_->Write(static_cast<WriteHandle&>(h), bytes.data(), bytes.size(), off);
  }
  // What close(2) returns: the flush's answer; the release follows.
  int Close(std::unique_ptr<Handle> h) {
    const int err = fs_->Flush(h.get());
    fs_->Release(std::move(h));
    return err;
  }
  // create, write, close: a copy program's steps. The first error.
  int CopyIn(const std::string& path, std::string_view bytes) {
    std::unique_ptr<Handle> h;
    if (int err = Create(path, &h); err != 0) return err;
    const int write_err = Write(*h, bytes);
    const int close_err = Close(std::move(h));
    return write_err != 0 ? write_err : close_err;
  }
  // The bytes a program reads from `path`.
  int ReadAll(const std::string& path, std::string* out) {
    Ino ino = 0;
    if (int err = Resolve(path, &ino); err != 0) return err;
    std::unique_ptr<Handle> h;
    if (int err = fs_->Open(ino, O_RDONLY, &h); err != 0) return err;
    auto& rh = static_cast<ReadHandle&>(*h);
    out->clear();
    char buf[4096];
    for (off_t off = 0;;) {
      const ssize_t n = ::pread(rh.fd.get(), buf, sizeof buf, off);
      if (n < 0) return errno;
      if (n == 0) break;
      out->append(buf, static_cast<std::size_t>(n));
      off += n;
    }
    fs_->Release(std::move(h));
    return 0;
  }

  int Unlink(const std::string& path) {
    Ino parent = 0;
    std::string name;
    if (int err = Split(path, &parent, &name); err != 0) return err;
    return fs_->Unlink(parent, name);
  }
  int MkDir(const std::string& path) {
    Ino parent = 0;
    std::string name;
    if (int err = Split(path, &parent, &name); err != 0) return err;
    fuse_entry_param e{};
    return fs_->MkDir(parent, name, &e);
  }
  int RmDir(const std::string& path) {
    Ino parent = 0;
    std::string name;
    if (int err = Split(path, &parent, &name); err != 0) return err;
    return fs_->RmDir(parent, name);
  }
  int Rename(const std::string& from, const std::string& to, unsigned flags = 0) {
    Ino parent = 0, new_parent = 0;
    std::string name, new_name;
    if (int err = Split(from, &parent, &name); err != 0) return err;
    if (int err = Split(to, &new_parent, &new_name); err != 0) return err;
    return fs_->Rename(parent, name, new_parent, new_name, flags);
  }

  // One refresher pass; what it told the kernel to forget.
  std::vector<Invalidation> Sent() {
    fs_->Refresh();
    return kernel_->Take();
  }

  std::unique_ptr<Filesystem> fs_;
  RecordingKernel* kernel_ = nullptr;  // owned by fs_
};

}  // namespace octopus::fs
