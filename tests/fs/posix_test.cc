// POSIX behaviour of the mount, driven by system calls: open flags, O_EXCL,
// O_TRUNC, renames (renameat2 flags too), unlink while open, readdir while
// entries change, large listings read with small getdents buffers, mkdir
// and rmdir rules, the refused operations and their errno (the table in the
// README's "Mount" section), statfs, a read-only mount, and unmounting while
// a program still holds a file open.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/fs/mount_fixture.h"
#include "tests/testing/hostile_files.h"

namespace octopus::fs {
namespace {

// 0 when a call returning -1 on failure succeeded, else its errno.
int Err(long rc) { return rc == -1 ? errno : 0; }

std::string ErrName(int err) {
  if (err == 0) return "success";
  const char* name = ::strerrorname_np(err);
  return name != nullptr ? name : std::to_string(err);
}

// A file descriptor the test closes even when an assertion fails.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // The close(2) result: where a copy into the mount reports its import.
  int Close() {
    if (fd_ < 0) return 0;
    const int rc = Err(::close(fd_));
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

class DirStream {
 public:
  explicit DirStream(const std::filesystem::path& p) : dir_(::opendir(p.c_str())) {}
  ~DirStream() {
    if (dir_ != nullptr) ::closedir(dir_);
  }
  DirStream(const DirStream&) = delete;
  DirStream& operator=(const DirStream&) = delete;
  DIR* get() const { return dir_; }
  // The names still to read, without "." and "..".
  std::vector<std::string> Rest() {
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(dir_)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.push_back(e->d_name);
      }
    }
    return names;
  }

 private:
  DIR* dir_;
};

std::string ReadAll(int fd) {
  std::string out;
  char buf[7001];  // an odd size: reads cross the kernel's page boundaries
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

struct Case {
  std::string what;
  std::function<long()> call;  // a system call: -1 and errno on failure
  int want;                    // the errno, 0 for success
};

class PosixTest : public MountTest {
 protected:
  std::string P(const std::string& rel) const { return (mnt() / rel).string(); }

  // Adds a photo through the library (no EXIF date: by-date/unknown/, and
  // by-camera/Unknown camera/). Seeds give distinct images.
  std::string Add(const std::string& name, int seed, int w = 0, int h = 24) {
    const std::string bytes = testing::MakeJpeg(w != 0 ? w : 32 + seed / 256, h, seed);
    const auto path = src() / ("add-" + std::to_string(seed) + ".jpg");
    testing::WriteFile(path, bytes);
    IngestRequest req;
    req.source = path;
    req.filename = name;
    auto r = lib_->Ingest(alice_, req);
    EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    std::filesystem::remove(path);
    return bytes;
  }

  std::vector<std::string> LibraryNames() {
    std::vector<std::string> names;
    auto all = lib_->AllPhotos(alice_);
    if (all.ok()) {
      for (const auto& p : *all) names.push_back(p.filename);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::vector<std::string> Listing(const std::string& rel) {
    DirStream d(mnt() / rel);
    if (d.get() == nullptr) return {"<opendir failed>"};
    auto names = d.Rest();
    std::sort(names.begin(), names.end());
    return names;
  }

  // Opens, writes `bytes` and closes: the close result (the import's).
  int CopyIn(const std::string& rel, const std::string& bytes, int flags) {
    Fd fd(::open(P(rel).c_str(), flags, 0644));
    if (fd.get() < 0) return errno;
    if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      return errno;
    }
    return fd.Close();
  }

  void RunCases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      errno = 0;
      const long rc = c.call();
      EXPECT_EQ(ErrName(Err(rc)), ErrName(c.want)) << c.what;
    }
  }
};

// Opens a path and closes it again at once: the errno of the open.
long OpenClose(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return -1;
  ::close(fd);
  return 0;
}

TEST_F(PosixTest, OpenFlagsOnPhotosAndViews) {
  Add("p.jpg", 1);
  DoMount();
  const std::vector<std::tuple<std::string, int, int>> cases = {
      {"all/p.jpg", O_RDONLY, 0},
      {"all/p.jpg", O_RDONLY | O_NOFOLLOW, 0},
      {"all/p.jpg", O_WRONLY, EPERM},  // a photo is never rewritten
      {"all/p.jpg", O_RDWR, EPERM},
      {"all/p.jpg", O_WRONLY | O_APPEND, EPERM},
      {"all/p.jpg", O_RDONLY | O_TRUNC, EPERM},
      {"all/p.jpg", O_WRONLY | O_TRUNC, EPERM},
      {"all/p.jpg", O_WRONLY | O_CREAT, EPERM},  // exists: an open for writing
      {"all/p.jpg", O_WRONLY | O_CREAT | O_EXCL, EEXIST},
      {"all/p.jpg", O_RDONLY | O_DIRECTORY, ENOTDIR},
      {"by-date/unknown/p.jpg", O_RDONLY, 0},
      {"by-date/unknown/p.jpg", O_WRONLY, EPERM},
      {"by-date/unknown/p.jpg", O_WRONLY | O_CREAT | O_EXCL, EEXIST},
      {"by-date/unknown/new.jpg", O_WRONLY | O_CREAT, EPERM},  // views follow the metadata
      {"by-camera/new.jpg", O_WRONLY | O_CREAT, EPERM},
      {"by-place/new.jpg", O_WRONLY | O_CREAT, EPERM},
      {"new.jpg", O_WRONLY | O_CREAT, EPERM},
      {"all/missing.jpg", O_RDONLY, ENOENT},
      {"all", O_RDONLY | O_DIRECTORY, 0},
      {"all", O_WRONLY, EISDIR},
      {"import", O_RDONLY | O_DIRECTORY, 0},
  };
  for (const auto& [rel, flags, want] : cases) {
    EXPECT_EQ(ErrName(Err(OpenClose(P(rel), flags))), ErrName(want))
        << rel << " flags 0" << std::oct << flags;
  }
  EXPECT_EQ(LibraryNames(), std::vector<std::string>{"p.jpg"});
  EXPECT_EQ(Used(), static_cast<std::int64_t>(std::filesystem::file_size(P("all/p.jpg"))));
}

TEST_F(PosixTest, ExclusiveCreateTruncateAndAppendInImport) {
  DoMount();
  const std::string a = testing::MakeJpeg(64, 48, 1);
  const std::string b = testing::MakeJpeg(64, 48, 2);
  const std::string c = testing::MakeJpeg(64, 48, 3);
  EXPECT_EQ(ErrName(CopyIn("import/a.jpg", a, O_WRONLY | O_CREAT | O_EXCL)), "success");
  // Still listed in import/ after the copy: O_EXCL sees it.
  EXPECT_EQ(ErrName(CopyIn("import/a.jpg", a, O_WRONLY | O_CREAT | O_EXCL)), "EEXIST");
  // Writing into what was copied, without truncating, would change a photo.
  EXPECT_EQ(ErrName(Err(OpenClose(P("import/a.jpg"), O_WRONLY))), "EPERM");
  EXPECT_EQ(ErrName(Err(OpenClose(P("import/a.jpg"), O_WRONLY | O_APPEND))), "EPERM");
  // O_TRUNC: a new copy over the entry; the first photo stays.
  EXPECT_EQ(ErrName(CopyIn("import/a.jpg", b, O_WRONLY | O_TRUNC)), "success");
  EXPECT_EQ(testing::ReadFile(P("import/a.jpg")), b);
  // O_APPEND on a new file, written in two parts.
  {
    Fd fd(::open(P("import/c.jpg").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644));
    ASSERT_GE(fd.get(), 0) << ErrName(errno);
    const std::size_t half = c.size() / 2;
    ASSERT_EQ(::write(fd.get(), c.data(), half), static_cast<ssize_t>(half));
    ASSERT_EQ(::write(fd.get(), c.data() + half, c.size() - half),
              static_cast<ssize_t>(c.size() - half));
    EXPECT_EQ(ErrName(fd.Close()), "success");
  }
  // Exclusive create in all/ imports too.
  EXPECT_EQ(ErrName(CopyIn("all/d.jpg", testing::MakeJpeg(64, 48, 4), O_WRONLY | O_CREAT | O_EXCL)),
            "success");
  EXPECT_EQ(PhotoCount(), 4u);
  EXPECT_EQ(testing::ReadFile(P("all/c.jpg")), c);
  EXPECT_EQ(StagedFiles(), 0u);
}

TEST_F(PosixTest, RenameRules) {
  Add("a.jpg", 1);
  Add("b.jpg", 2);
  // A photo with a capture date, for a second date folder (from the sample
  // photos, when present).
  const auto nikon = testing::SamplePhotos() / "nikon_d70s_gps.jpg";
  const bool dated = !testing::SamplePhotos().empty() && std::filesystem::exists(nikon);
  if (dated) {
    IngestRequest req;
    req.source = nikon;
    ASSERT_TRUE(lib_->Ingest(alice_, req).ok());
  }
  DoMount();
  ASSERT_EQ(::mkdir(P("import/x").c_str(), 0755), 0);
  auto rename2 = [&](const std::string& from, const std::string& to, unsigned flags) {
    return [=, this] {
      return static_cast<long>(
          ::renameat2(AT_FDCWD, P(from).c_str(), AT_FDCWD, P(to).c_str(), flags));
    };
  };
  std::vector<Case> cases = {
      {"rename within all/", rename2("all/a.jpg", "all/c.jpg", 0), 0},
      {"onto an existing photo", rename2("all/c.jpg", "all/b.jpg", 0), EEXIST},
      {"NOREPLACE onto an existing photo", rename2("all/c.jpg", "all/b.jpg", RENAME_NOREPLACE),
       EEXIST},
      {"NOREPLACE to a free name", rename2("all/c.jpg", "all/d.jpg", RENAME_NOREPLACE), 0},
      {"EXCHANGE", rename2("all/d.jpg", "all/b.jpg", RENAME_EXCHANGE), EINVAL},
      {"onto itself", rename2("all/d.jpg", "all/d.jpg", 0), 0},
      {"all/ to by-camera/", rename2("all/d.jpg", "by-camera/d.jpg", 0), EPERM},
      {"all/ to a date folder", rename2("all/d.jpg", "by-date/unknown/e.jpg", 0), EPERM},
      {"all/ to import/", rename2("all/d.jpg", "import/d.jpg", 0), EPERM},
      {"within a date folder", rename2("by-date/unknown/d.jpg", "by-date/unknown/e.jpg", 0), EPERM},
      {"a view to all/", rename2("by-date/unknown/d.jpg", "all/e.jpg", 0), EPERM},
      {"a date folder", rename2("by-date/unknown", "by-date/1999", 0), EPERM},
      {"a camera folder", rename2("by-camera/Unknown camera", "by-camera/Leica", 0), EPERM},
      {"a top folder", rename2("all", "everything", 0), EPERM},
      {"a missing name", rename2("all/missing.jpg", "all/e.jpg", 0), ENOENT},
      {"within import/", rename2("import/x", "import/y", 0), 0},
      {"import/ to all/", rename2("import/y", "all/y", 0), EXDEV},
      {"a folder into itself", rename2("import/y", "import/y/z", 0), EINVAL},
  };
  if (dated) {
    cases.push_back({"to another date folder",
                     rename2("by-date/unknown/d.jpg", "by-date/2005/2005-12/2005-12-14/d.jpg", 0),
                     EPERM});
  }
  RunCases(cases);
  std::vector<std::string> want = {"b.jpg", "d.jpg"};
  if (dated) want.push_back("nikon_d70s_gps.jpg");
  EXPECT_EQ(LibraryNames(), want);
  EXPECT_EQ(Listing("all"), want);
  EXPECT_EQ(Listing("import"), std::vector<std::string>{"y"});
}

// The open descriptor keeps reading the photo's exact bytes and fstat keeps
// working after the photo is deleted, through the mount or elsewhere.
TEST_F(PosixTest, UnlinkWhileOpenKeepsTheOpenFileWhole) {
  const std::string p = Add("p.jpg", 1, 1200, 900);
  const std::string q = Add("q.jpg", 2, 1200, 900);
  ASSERT_GT(p.size(), 100'000u);
  DoMount();
  Fd fd(::open(P("all/p.jpg").c_str(), O_RDONLY));
  ASSERT_GE(fd.get(), 0);
  char head[1000];
  ASSERT_EQ(::read(fd.get(), head, sizeof head), static_cast<ssize_t>(sizeof head));
  ASSERT_EQ(::unlink(P("all/p.jpg").c_str()), 0);
  EXPECT_EQ(ErrName(Err(::access(P("all/p.jpg").c_str(), F_OK))), "ENOENT");
  EXPECT_EQ(PhotoCount(), 1u);
  // The unlink dropped the kernel's attributes: this fstat asks the mount.
  struct stat st {};
  ASSERT_EQ(ErrName(Err(::fstat(fd.get(), &st))), "success");
  EXPECT_EQ(st.st_size, static_cast<off_t>(p.size()));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_nlink, 0u);
  EXPECT_EQ(std::string(head, sizeof head) + ReadAll(fd.get()), p);
  char at[5000];
  ASSERT_EQ(::pread(fd.get(), at, sizeof at, 12345), static_cast<ssize_t>(sizeof at));
  EXPECT_EQ(std::string(at, sizeof at), p.substr(12345, sizeof at));
  EXPECT_EQ(fd.Close(), 0);

  // Deleted by another program while open here.
  Fd fq(::open(P("all/q.jpg").c_str(), O_RDONLY));
  ASSERT_GE(fq.get(), 0);
  auto all = lib_->ListPhotos(alice_, PhotoQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->photos.size(), 1u);
  ASSERT_TRUE(lib_->DeletePhoto(alice_, all->photos[0].id).ok());
  EXPECT_TRUE(Eventually([&] { return ::access(P("all/q.jpg").c_str(), F_OK) != 0; }));
  ASSERT_EQ(ErrName(Err(::fstat(fq.get(), &st))), "success");
  EXPECT_EQ(st.st_size, static_cast<off_t>(q.size()));
  EXPECT_EQ(ReadAll(fq.get()), q);
}

// A listing in progress keeps its offsets while photos come and go;
// rewinddir starts again from what the library holds now.
TEST_F(PosixTest, ReaddirWhileEntriesChange) {
  std::vector<std::string> before;
  for (int i = 0; i < 10; ++i) {
    before.push_back("IMG_000" + std::to_string(i) + ".JPG");
    Add(before.back(), i + 1);
  }
  DoMount();
  DirStream d(mnt() / "all");
  ASSERT_NE(d.get(), nullptr);
  std::vector<std::string> seen;
  while (seen.size() < 4) {
    const dirent* e = ::readdir(d.get());
    ASSERT_NE(e, nullptr);
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      seen.push_back(e->d_name);
    }
  }
  const long pos = ::telldir(d.get());
  const std::string next = ::readdir(d.get())->d_name;

  // Another program deletes a photo not listed yet and adds one.
  auto all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  for (const auto& p : *all) {
    if (p.filename == "IMG_0008.JPG") {
      ASSERT_TRUE(lib_->DeletePhoto(alice_, p.id).ok());
    }
  }
  Add("IMG_0010.JPG", 99);
  std::vector<std::string> after = before;
  after.erase(std::find(after.begin(), after.end(), "IMG_0008.JPG"));
  after.push_back("IMG_0010.JPG");
  ASSERT_TRUE(Eventually([&] { return Listing("all") == after; }, 10)) << Listing("all").size();

  // The offsets of the listing in progress still mean what they meant.
  ::seekdir(d.get(), pos);
  const dirent* e = ::readdir(d.get());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->d_name, next);
  // rewinddir: the listing as it is now, each name once.
  ::rewinddir(d.get());
  auto names = d.Rest();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, after);
  // And again from the start, the same.
  ::rewinddir(d.get());
  names = d.Rest();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, after);
}

// 2,000 photos listed with getdents64 and buffers of a few entries: every
// name exactly once; an offset taken mid-way resumes at the same entry.
TEST_F(PosixTest, LargeDirectoryListedCompletelyWithSmallBuffers) {
  constexpr int kPhotos = 2000;
  std::set<std::string> want = {".", ".."};
  auto name = [](int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "IMG_%05d.JPG", i);
    return std::string(buf);
  };
  for (int i = 0; i < kPhotos; ++i) want.insert(name(i));
  // Through the library, on a few threads: each ingest waits on its fsyncs.
  {
    std::vector<std::thread> threads;
    constexpr int kThreads = 8;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kPhotos; i += kThreads) Add(name(i), i, 0, 8);
      });
    }
    for (auto& t : threads) t.join();
  }
  ASSERT_EQ(PhotoCount(), static_cast<std::size_t>(kPhotos));
  DoMount();
  for (const std::size_t buf_size : {64u, 200u, 4096u, 65536u}) {
    SCOPED_TRACE("buffer " + std::to_string(buf_size));
    Fd fd(::open(P("all").c_str(), O_RDONLY | O_DIRECTORY));
    ASSERT_GE(fd.get(), 0);
    std::vector<char> buf(buf_size);
    std::vector<std::pair<std::string, off_t>> got;  // name, offset after it
    for (;;) {
      const long n = ::syscall(SYS_getdents64, fd.get(), buf.data(), buf.size());
      ASSERT_GE(n, 0) << ErrName(errno);
      if (n == 0) break;
      for (long at = 0; at < n;) {
        const auto* e = reinterpret_cast<const dirent64*>(buf.data() + at);
        got.emplace_back(e->d_name, e->d_off);
        at += e->d_reclen;
      }
    }
    std::set<std::string> names;
    for (const auto& [n, off] : got) EXPECT_TRUE(names.insert(n).second) << "twice: " << n;
    EXPECT_EQ(names.size(), want.size());
    EXPECT_TRUE(names == want);
    // Resume from an offset in the middle.
    const std::size_t mid = got.size() / 2;
    ASSERT_EQ(::lseek(fd.get(), got[mid].second, SEEK_SET), got[mid].second);
    const long n = ::syscall(SYS_getdents64, fd.get(), buf.data(), buf.size());
    ASSERT_GT(n, 0);
    EXPECT_EQ(reinterpret_cast<const dirent64*>(buf.data())->d_name, got[mid + 1].first);
  }
  // ls -l agrees (one line per photo plus "total").
  auto r = Sh("ls -l " + M("all") + " | wc -l");
  EXPECT_EQ(r.output, std::to_string(kPhotos + 1) + "\n");
}

TEST_F(PosixTest, MkdirAndRmdirRules) {
  Add("p.jpg", 1);
  DoMount();
  auto mk = [&](const std::string& rel) {
    return [=, this] { return static_cast<long>(::mkdir(P(rel).c_str(), 0755)); };
  };
  auto rm = [&](const std::string& rel) {
    return [=, this] { return static_cast<long>(::rmdir(P(rel).c_str())); };
  };
  RunCases({
      {"mkdir in import/", mk("import/x"), 0},
      {"mkdir again", mk("import/x"), EEXIST},
      {"mkdir below", mk("import/x/y"), 0},
      {"mkdir in all/", mk("all/x"), EPERM},
      {"mkdir in by-date/", mk("by-date/2020"), EPERM},
      {"mkdir in by-camera/", mk("by-camera/Leica M6"), EPERM},
      {"mkdir in by-place/", mk("by-place/France"), EPERM},
      {"mkdir at the top", mk("x"), EPERM},
      {"mkdir over a photo", mk("all/p.jpg"), EEXIST},
      {"rmdir a non-empty folder", rm("import/x"), ENOTEMPTY},
      {"rmdir an empty folder", rm("import/x/y"), 0},
      {"rmdir it now", rm("import/x"), 0},
      {"rmdir a missing folder", rm("import/x"), ENOENT},
      {"rmdir a date folder with photos", rm("by-date/unknown"), ENOTEMPTY},
      {"rmdir a view itself", rm("by-date"), EPERM},
      {"rmdir a top folder", rm("all"), EPERM},
      {"rmdir import/", rm("import"), EPERM},
      {"rmdir a photo", rm("all/p.jpg"), ENOTDIR},
      {"unlink a folder", [this] { return static_cast<long>(::unlink(P("by-date").c_str())); },
       EISDIR},
  });
  EXPECT_EQ(PhotoCount(), 1u);
}

// Operations the mount has no meaning for are refused, never ENOSYS.
TEST_F(PosixTest, SymlinkLinkMknodAndXattrsAreRefused) {
  Add("p.jpg", 1);
  DoMount();
  const std::string photo = P("all/p.jpg");
  RunCases({
      {"symlink in all/", [&] { return static_cast<long>(::symlink("p.jpg", P("all/s").c_str())); },
       EPERM},
      {"symlink in import/",
       [&] { return static_cast<long>(::symlink("/tmp", P("import/s").c_str())); }, EPERM},
      {"link in all/",
       [&] { return static_cast<long>(::link(photo.c_str(), P("all/h.jpg").c_str())); }, EPERM},
      {"link into import/",
       [&] { return static_cast<long>(::link(photo.c_str(), P("import/h.jpg").c_str())); }, EPERM},
      {"mkfifo in import/",
       [&] { return static_cast<long>(::mknod(P("import/f").c_str(), S_IFIFO | 0644, 0)); }, EPERM},
      {"mknod of a file",
       [&] { return static_cast<long>(::mknod(P("import/r.jpg").c_str(), S_IFREG | 0644, 0)); },
       EPERM},
      {"setxattr",
       [&] { return static_cast<long>(::setxattr(photo.c_str(), "user.x", "1", 1, 0)); },
       EOPNOTSUPP},
      {"getxattr",
       [&] {
         char v[16];
         return static_cast<long>(::getxattr(photo.c_str(), "user.x", v, sizeof v));
       },
       EOPNOTSUPP},
      {"removexattr", [&] { return static_cast<long>(::removexattr(photo.c_str(), "user.x")); },
       EOPNOTSUPP},
  });
  EXPECT_EQ(Listing("import"), std::vector<std::string>{});
  EXPECT_EQ(PhotoCount(), 1u);
}

// rsync and cp -a set modes, owners and times after a copy: accepted on
// photos and ignored (a photo's mtime is its capture time); truncating is
// refused.
TEST_F(PosixTest, AttributeChanges) {
  Add("p.jpg", 1);
  DoMount();
  const std::string photo = P("all/p.jpg");
  struct stat before {};
  ASSERT_EQ(::stat(photo.c_str(), &before), 0);
  const timespec times[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};
  RunCases({
      {"chmod a photo", [&] { return static_cast<long>(::chmod(photo.c_str(), 0600)); }, 0},
      {"chown a photo to its owner",
       [&] { return static_cast<long>(::chown(photo.c_str(), ::getuid(), ::getgid())); }, 0},
      {"utimensat a photo",
       [&] { return static_cast<long>(::utimensat(AT_FDCWD, photo.c_str(), times, 0)); }, 0},
      {"chmod a folder", [&] { return static_cast<long>(::chmod(P("all").c_str(), 0700)); }, 0},
      {"truncate a photo", [&] { return static_cast<long>(::truncate(photo.c_str(), 0)); }, EPERM},
      {"truncate a photo longer",
       [&] { return static_cast<long>(::truncate(photo.c_str(), 1 << 20)); }, EPERM},
  });
  struct stat after {};
  ASSERT_EQ(::stat(photo.c_str(), &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_size, before.st_size);
  // A copy in import/ keeps the times it is given (rsync -a checks them).
  ASSERT_EQ(CopyIn("import/c.jpg", testing::MakeJpeg(64, 48, 2), O_WRONLY | O_CREAT), 0);
  ASSERT_EQ(::utimensat(AT_FDCWD, P("import/c.jpg").c_str(), times, 0), 0);
  struct stat copied {};
  ASSERT_EQ(::stat(P("import/c.jpg").c_str(), &copied), 0);
  EXPECT_EQ(copied.st_mtim.tv_sec, 1'000'000'000);
}

// statfs: the user's quota in 4 KiB blocks, the photo count as files used.
TEST_F(PosixTest, StatfsFigures) {
  const std::string a = Add("a.jpg", 1);
  const std::string b = Add("b.jpg", 2);
  DoMount();
  struct statvfs st {};
  ASSERT_EQ(::statvfs(mnt().c_str(), &st), 0);
  EXPECT_EQ(st.f_bsize, 4096u);
  EXPECT_EQ(st.f_frsize, 4096u);
  EXPECT_EQ(st.f_blocks, static_cast<fsblkcnt_t>(quota_ / 4096));
  EXPECT_EQ(st.f_bfree, static_cast<fsblkcnt_t>((quota_ - Used()) / 4096));
  EXPECT_EQ(st.f_bavail, st.f_bfree);
  // Files: the photos, plus as many free as 4 KiB blocks are free (df -i
  // showed every inode used when none were said to be free).
  EXPECT_EQ(st.f_ffree, st.f_bfree);
  EXPECT_EQ(st.f_files, 2u + st.f_ffree);
  auto df = Sh("df --output=iused,iavail,ipcent " + M() + " | tail -1");
  std::istringstream figures(df.output);
  std::uint64_t iused = 0, iavail = 0;
  std::string ipcent;
  figures >> iused >> iavail >> ipcent;
  EXPECT_EQ(iused, 2u) << df.output;
  EXPECT_EQ(iavail, st.f_ffree) << df.output;
  EXPECT_EQ(ipcent, "1%") << df.output;
  EXPECT_EQ(st.f_namemax, 255u);
  EXPECT_EQ(st.f_flag & ST_RDONLY, 0u);
  EXPECT_EQ(Used(), static_cast<std::int64_t>(a.size() + b.size()));
  // Not cached: a purge shows at once. (A photo in the trash is still a
  // file of the mount, in trash/, and still stored.)
  ASSERT_EQ(::unlink(P("all/a.jpg").c_str()), 0);
  ASSERT_EQ(::statvfs(P("all").c_str(), &st), 0);
  EXPECT_EQ(st.f_files - st.f_ffree, 2u);
  EXPECT_EQ(st.f_bfree, static_cast<fsblkcnt_t>((quota_ - Used()) / 4096));
  ASSERT_EQ(::unlink(P("trash/a.jpg").c_str()), 0);
  ASSERT_EQ(::statvfs(P("all").c_str(), &st), 0);
  EXPECT_EQ(st.f_files - st.f_ffree, 1u);
  EXPECT_EQ(st.f_bfree,
            static_cast<fsblkcnt_t>((quota_ - static_cast<std::int64_t>(b.size())) / 4096));
}

TEST_F(PosixTest, ReadOnlyMountRefusesEveryChangeWithErofs) {
  const std::string p = Add("p.jpg", 1);
  DoMount(/*read_only=*/true);
  const std::string photo = P("all/p.jpg");
  const timespec times[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};
  auto open_flags = [&](const std::string& rel, int flags) {
    return [=, this] { return OpenClose(P(rel), flags); };
  };
  RunCases({
      {"open for writing", open_flags("all/p.jpg", O_WRONLY), EROFS},
      {"open with O_TRUNC", open_flags("all/p.jpg", O_RDONLY | O_TRUNC), EROFS},
      {"create in import/", open_flags("import/n.jpg", O_WRONLY | O_CREAT), EROFS},
      {"create in all/", open_flags("all/n.jpg", O_WRONLY | O_CREAT | O_EXCL), EROFS},
      {"create in a view", open_flags("by-date/n.jpg", O_WRONLY | O_CREAT), EROFS},
      {"unlink", [&] { return static_cast<long>(::unlink(photo.c_str())); }, EROFS},
      {"unlink in a view",
       [&] { return static_cast<long>(::unlink(P("by-date/unknown/p.jpg").c_str())); }, EROFS},
      {"rename", [&] { return static_cast<long>(::rename(photo.c_str(), P("all/q.jpg").c_str())); },
       EROFS},
      {"rename NOREPLACE",
       [&] {
         return static_cast<long>(::renameat2(AT_FDCWD, photo.c_str(), AT_FDCWD,
                                              P("all/q.jpg").c_str(), RENAME_NOREPLACE));
       },
       EROFS},
      {"mkdir in import/", [&] { return static_cast<long>(::mkdir(P("import/x").c_str(), 0755)); },
       EROFS},
      {"rmdir", [&] { return static_cast<long>(::rmdir(P("by-date/unknown").c_str())); }, EROFS},
      {"symlink", [&] { return static_cast<long>(::symlink("x", P("import/s").c_str())); }, EROFS},
      {"link", [&] { return static_cast<long>(::link(photo.c_str(), P("all/h.jpg").c_str())); },
       EROFS},
      {"mknod",
       [&] { return static_cast<long>(::mknod(P("import/f").c_str(), S_IFIFO | 0644, 0)); }, EROFS},
      {"setxattr",
       [&] { return static_cast<long>(::setxattr(photo.c_str(), "user.x", "1", 1, 0)); }, EROFS},
      {"chmod", [&] { return static_cast<long>(::chmod(photo.c_str(), 0600)); }, EROFS},
      {"chown", [&] { return static_cast<long>(::chown(photo.c_str(), ::getuid(), ::getgid())); },
       EROFS},
      {"utimensat",
       [&] { return static_cast<long>(::utimensat(AT_FDCWD, photo.c_str(), times, 0)); }, EROFS},
      {"truncate", [&] { return static_cast<long>(::truncate(photo.c_str(), 0)); }, EROFS},
      {"read", [&] { return OpenClose(photo, O_RDONLY); }, 0},
  });
  struct statvfs st {};
  ASSERT_EQ(::statvfs(mnt().c_str(), &st), 0);
  EXPECT_NE(st.f_flag & ST_RDONLY, 0u);
  EXPECT_EQ(testing::ReadFile(photo), p);
  EXPECT_EQ(PhotoCount(), 1u);
}

// Reads at any offset and length give the original's bytes; past the end,
// nothing.
TEST_F(PosixTest, ReadsAtAnyOffsetGiveTheOriginalsBytes) {
  const std::string p = Add("p.jpg", 1, 1600, 1200);
  DoMount();
  Fd fd(::open(P("all/p.jpg").c_str(), O_RDONLY));
  ASSERT_GE(fd.get(), 0);
  const std::size_t size = p.size();
  const std::vector<std::pair<std::size_t, std::size_t>> reads = {
      {0, 1},          {1, 4095},        {4095, 2},           {4096, 4096}, {777, 131072 + 3},
      {size - 10, 10}, {size - 10, 100}, {size - 1, 1 << 20}, {size, 10},   {size + 4096, 10},
      {0, size + 1000}};
  for (const auto& [off, len] : reads) {
    std::string buf(len, '\0');
    const ssize_t n = ::pread(fd.get(), buf.data(), len, static_cast<off_t>(off));
    ASSERT_GE(n, 0) << off << "+" << len << ": " << ErrName(errno);
    buf.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(buf, off < size ? p.substr(off, len) : "") << off << "+" << len;
  }
  EXPECT_EQ(Sh("cat " + M("all/p.jpg") + " | cmp - " + M("by-date/unknown/p.jpg")).exit_code, 0);
}

// Unmounting must not wait for programs to close what they opened: a photo
// held open here does not stop the mount from ending.
TEST_F(PosixTest, UnmountWhileAFileIsOpen) {
  const std::string p = Add("p.jpg", 1);
  DoMount();
  Fd fd(::open(P("all/p.jpg").c_str(), O_RDONLY));
  ASSERT_GE(fd.get(), 0);
  ASSERT_EQ(ReadAll(fd.get()), p);
  // Another program uses the mount meanwhile; when it is done, the loop's
  // threads are all idle, blocked reading /dev/fuse.
  ASSERT_EQ(Sh("cmp " + M("all/p.jpg") + " " + M("by-date/unknown/p.jpg")).exit_code, 0);
  auto stopped = std::async(std::launch::async, [this] { mount_.reset(); });
  // Generous: it returns at once when right; when wrong it never would, and
  // closing our file below is what lets it end so the test can report it.
  const bool ended = stopped.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  (void)fd.Close();
  stopped.wait();
  EXPECT_TRUE(ended) << "Mount's destructor waited for a file to be closed";
  EXPECT_NE(Sh("mountpoint -q " + M()).exit_code, 0);
}

// The README's table of refused operations, row by row: its first cell and
// the errno its second cell names.
std::vector<std::pair<std::string, std::string>> ReadmeErrnoTable() {
  std::istringstream in(testing::ReadFile(std::filesystem::path(OCTOPUS_SOURCE_DIR) / "README.md"));
  std::vector<std::pair<std::string, std::string>> rows;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| Operation | errno |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| ", 0) != 0) {
      if (!rows.empty()) break;  // the end of the table
      continue;
    }
    // Cells are split on '|' that is not escaped ("O_CREAT \| O_EXCL").
    std::vector<std::string> cells(1);
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        cells.emplace_back();
      } else {
        cells.back() += line[i];
      }
    }
    const auto trim = [](std::string t) {
      while (!t.empty() && t.front() == ' ') t.erase(t.begin());
      while (!t.empty() && t.back() == ' ') t.pop_back();
      return t;
    };
    const std::string err = cells.size() > 1 ? cells[1] : "";
    const auto tick = err.find('`');
    rows.emplace_back(
        trim(cells[0]),
        tick == std::string::npos ? "" : err.substr(tick + 1, err.find('`', tick + 1) - tick - 1));
  }
  return rows;
}

// Every row of the README's errno table, seen as a program sees it: each
// row has a case here (a row added to the README without one fails), and
// each case must get exactly the errno the README promises. The other
// tests of this file go through each row's variants.
TEST_F(PosixTest, EveryErrnoOfTheReadmeTableIsWhatAProgramSees) {
  const std::string p = Add("p.jpg", 1);
  Add("q.jpg", 2);
  Add("r.jpg", 5);
  DoMount();
  ASSERT_EQ(CopyIn("import/a.jpg", testing::MakeJpeg(64, 48, 3), O_WRONLY | O_CREAT), 0);
  ASSERT_EQ(::unlink(P("all/r.jpg").c_str()), 0);  // to the trash
  ASSERT_EQ(::mkdir(P("import/x").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(P("import/x/y").c_str(), 0755), 0);
  const auto rename2 = [this](const std::string& from, const std::string& to, unsigned flags) {
    return Err(::renameat2(AT_FDCWD, P(from).c_str(), AT_FDCWD, P(to).c_str(), flags));
  };
  // Writes all of `bytes` as cp does (a short count is followed by a write
  // of the rest), then closes: the errno of the first call that failed.
  const auto copy_in = [this](const std::string& rel, const std::string& bytes) {
    Fd fd(::open(P(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    if (fd.get() < 0) return errno;
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        const int err = errno;
        EXPECT_EQ(ErrName(fd.Close()), ErrName(err)) << rel << ": close reports it again";
        return err;
      }
      done += static_cast<std::size_t>(n);
    }
    return fd.Close();
  };

  // Keyed by the row's first cell, as written in the README.
  std::map<std::string, std::function<int()>> cases = {
      {"open a photo for writing, with `O_TRUNC` or `O_APPEND`; truncate a photo",
       [&] { return Err(OpenClose(P("all/p.jpg"), O_WRONLY | O_APPEND)); }},
      {"create a file outside all/ and import/",
       [&] { return Err(OpenClose(P("by-camera/new.jpg"), O_WRONLY | O_CREAT)); }},
      {"`O_CREAT \\| O_EXCL` on a name that exists",
       [&] { return Err(OpenClose(P("import/a.jpg"), O_WRONLY | O_CREAT | O_EXCL)); }},
      {"open an entry of import/ for writing without `O_TRUNC`",
       [&] { return Err(OpenClose(P("import/a.jpg"), O_WRONLY)); }},
      {"open for writing (or create over) a file of import/ that another program is still "
       "writing",
       [&] {
         Fd writer(::open(P("import/w.jpg").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
         EXPECT_GE(writer.get(), 0) << ErrName(errno);
         const int err = Err(OpenClose(P("import/w.jpg"), O_WRONLY | O_TRUNC));
         EXPECT_EQ(ErrName(Err(OpenClose(P("import/w.jpg"), O_WRONLY | O_CREAT | O_TRUNC))),
                   ErrName(err));
         (void)writer.Close();  // an empty copy: refused, not our concern here
         return err;
       }},
      {"`mkdir` outside import/ (e.g. a folder under by-camera/)",
       [&] { return Err(::mkdir(P("by-camera/Leica M6").c_str(), 0755)); }},
      {"`rmdir` of a top folder (all/, by-date/, by-camera/, by-place/, import/, trash/, "
       ".Trash-UID/ and its two)",
       [&] {
         EXPECT_EQ(ErrName(Err(::rmdir(P("trash").c_str()))), "EPERM");
         return Err(::rmdir(P("import").c_str()));
       }},
      {"create a file in trash/ or .Trash-UID/files/; write to an info file of .Trash-UID/info/",
       [&] { return Err(OpenClose(P("trash/new.jpg"), O_WRONLY | O_CREAT)); }},
      {"restore (rename out of the trash) onto a name in use",
       [&] { return rename2("trash/r.jpg", "all/p.jpg", 0); }},
      {"`rmdir` of a folder of a view, or of import/, that is not empty",
       [&] {
         EXPECT_EQ(ErrName(Err(::rmdir(P("import/x").c_str()))), "ENOTEMPTY");
         return Err(::rmdir(P("by-date/unknown").c_str()));
       }},
      {"rename of a photo out of all/, into a view or import/, between date (camera, place) "
       "folders, or of a generated folder",
       [&] { return rename2("all/p.jpg", "import/p.jpg", 0); }},
      {"rename onto an existing photo (with or without `RENAME_NOREPLACE`)",
       [&] { return rename2("all/p.jpg", "all/q.jpg", RENAME_NOREPLACE); }},
      {"`RENAME_EXCHANGE`", [&] { return rename2("all/p.jpg", "all/q.jpg", RENAME_EXCHANGE); }},
      {"rename from import/ to all/", [&] { return rename2("import/a.jpg", "all/a2.jpg", 0); }},
      {"rename of a folder into itself", [&] { return rename2("import/x", "import/x/y/z", 0); }},
      {"`symlink`, `link` (hard link), `mknod`, `mkfifo`",
       [&] { return Err(::link(P("all/p.jpg").c_str(), P("all/h.jpg").c_str())); }},
      {"`setxattr`, `getxattr`, `listxattr`, `removexattr`",
       [&] {
         char names[64];
         return Err(::listxattr(P("all/p.jpg").c_str(), names, sizeof names));
       }},
      {"a copy that is not a JPEG or HEIF image (reported by `close`; for rsync's temporary "
       "`.NAME.XXXXXX`, by the rename to NAME, since rsync stops the whole transfer at a failed "
       "close but goes on after a failed rename and exits 23)",
       [&] { return copy_in("import/notes.jpg", testing::TextFile()); }},
      {"a copy over the quota (reported by `write` or `close`)",
       [&] {
         // 2.5 MB left and 8 MiB written in one write(2): the kernel passes
         // it on in pieces (of 1 MiB here), the first ones fit, the write
         // returns their short count, and cp writes the rest.
         EXPECT_TRUE(lib_->SetQuota("alice", Used() + 2'500'000).ok());
         std::string big = testing::MakeJpeg(64, 48, 4);
         big.resize(8 << 20, '\x5a');
         const int err = copy_in("import/big.jpg", big);
         EXPECT_TRUE(lib_->SetQuota("alice", quota_).ok());
         return err;
       }},
      {"a copy of an image over the pixel limit (`OCTOPUS_MAX_PIXELS`)",
       [&] { return copy_in("import/bomb.jpg", testing::DecompressionBombJpeg(20000)); }},
      // Last: it needs the mount again, read-only.
      {"any change on a `--read-only` mount (create, write, truncate, unlink, rename, mkdir, "
       "rmdir, symlink, link, mknod, chmod, chown, utime, setxattr)",
       [&] {
         mount_.reset();
         DoMount(/*read_only=*/true);
         return Err(::unlink(P("all/p.jpg").c_str()));
       }},
  };

  const auto rows = ReadmeErrnoTable();
  ASSERT_GE(rows.size(), 19u) << "the README's errno table was not found";
  std::set<std::string> in_readme;
  for (const auto& row : rows) in_readme.insert(row.first);
  for (const auto& [operation, call] : cases) {
    EXPECT_TRUE(in_readme.count(operation)) << "a case for no README row: " << operation;
  }
  // The read-only row remounts: it goes last.
  auto ordered = rows;
  std::stable_partition(ordered.begin(), ordered.end(), [](const auto& row) {
    return row.first.find("--read-only") == std::string::npos;
  });
  for (const auto& [operation, err] : ordered) {
    const auto it = cases.find(operation);
    if (it == cases.end()) {
      ADD_FAILURE() << "no case for the README row: " << operation;
      continue;
    }
    EXPECT_EQ(ErrName(it->second()), err) << operation;
  }
  // Nothing refused was kept.
  EXPECT_EQ(PhotoCount(), 3u);
  EXPECT_EQ(StagedFiles(), 0u);
  EXPECT_EQ(testing::ReadFile(P("all/p.jpg")), p);
}

}  // namespace
}  // namespace octopus::fs
