// POST /photos: multipart uploads (`file` fields, each optionally after a
// `last_modified` field that dates it), streamed part by part into staging
// files on the store's filesystem; once the whole body has arrived well-formed,
// the files are handed to Library::Ingest, which moves them in or removes
// them. No file is held whole in memory, and nothing of a body that did not
// arrive complete and well-formed is ingested.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <optional>

#include "core/file_util.h"
#include "core/photo_json.h"
#include "http/error_map.h"
#include "http/request_bodies.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

// A file being written in the staging folder; removed on destruction unless
// handed over to the library.
class StagedFile {
 public:
  static Result<StagedFile> Create(const std::filesystem::path& dir) {
    std::string templ = (dir / "upload-XXXXXX").string();
    const int fd = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd < 0) return Status::IoError("cannot create a staging file in " + dir.string(), errno);
    return StagedFile(UniqueFd(fd), templ);
  }
  StagedFile(StagedFile&& o) noexcept = default;
  StagedFile& operator=(StagedFile&&) = delete;
  ~StagedFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  Status Write(const char* data, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_.get(), data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::IoError("cannot write the staging file " + path_.string(), errno);
      }
      data += w;
      n -= static_cast<std::size_t>(w);
    }
    return Status::Ok();
  }
  // Closes the descriptor; the file stays (and is still owned).
  void Close() { fd_ = UniqueFd(); }
  // Closes the descriptor and gives up ownership of the path.
  std::filesystem::path Release() {
    fd_ = UniqueFd();
    return std::exchange(path_, {});
  }

 private:
  StagedFile(UniqueFd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
};

struct PartResult {
  int status = 0;
  nlohmann::json body;
};

// At most this many files in one request: each is a staging file until the
// whole body has arrived.
constexpr std::size_t kMaxFilesPerRequest = 1000;

// A form field that dates the `file` part after it (ParseLastModified), so
// that a photo without an EXIF date gets its file's date rather than the
// upload's: browsers give File.lastModified; the multipart part headers
// carry no date of their own.
constexpr std::string_view kLastModifiedField = "last_modified";

// The file parts of one upload request, staged as the multipart reader
// hands them over. Nothing is ingested until the whole body is known to be
// well-formed (IngestAll): a body that breaks after its first files must
// store and charge nothing. Staging files not ingested are removed with the
// session.
//
// What is staged counts against the quota as it arrives (issue 15: a user
// with 0.3 MB left streamed 300 MB into staging): past what the quota
// leaves, over all the user's uploads in flight, the session stops with
// the quota's error.
class UploadSession final : public MultipartReader::Sink {
 public:
  UploadSession(ServerState& state, UserId owner, UploadLedger::Entry& ledger,
                std::int64_t free_bytes)
      : state_(state), owner_(owner), ledger_(ledger), free_bytes_(free_bytes) {}

  bool OnPartBegin(const MultipartPartHeader& header) override {
    current_ = nullptr;
    if (header.name == kLastModifiedField) {
      if (pending_mtime_) return Refuse("two last_modified fields without a file between them");
      reading_last_modified_ = true;
      last_modified_.clear();
      return true;
    }
    if (header.name != "file") return true;  // other fields are ignored
    if (parts_.size() >= kMaxFilesPerRequest) {
      too_many_files_ = true;
      return false;
    }
    auto staged = StagedFile::Create(state_.library.StagingDir());
    if (!staged.ok()) return Fail(staged.status());
    Part& part = parts_.emplace_back();
    part.filename = header.filename.empty() ? "upload" : header.filename;
    part.staged.emplace(std::move(staged).value());
    part.mtime = std::exchange(pending_mtime_, std::nullopt);
    current_ = &part;
    return true;
  }

  bool OnPartData(const char* data, std::size_t n) override {
    if (reading_last_modified_) {
      if (last_modified_.size() + n > 64) return Refuse("last_modified is too long");
      last_modified_.append(data, n);
      return true;
    }
    if (!current_ || current_->too_large) return true;
    current_->bytes += n;
    if (current_->bytes > state_.config.max_upload_bytes) {
      // Read on (and drop) the rest; the other files still count.
      current_->too_large = true;
      current_->staged.reset();
      return true;
    }
    if (!Stage(n)) return false;
    if (Status s = current_->staged->Write(data, n); !s.ok()) return Fail(s);
    return true;
  }

  bool OnPartEnd() override {
    if (reading_last_modified_) {
      reading_last_modified_ = false;
      pending_mtime_ = ParseLastModified(last_modified_);
      if (!pending_mtime_) {
        return Refuse(
            "last_modified must be milliseconds since 1970 (a browser's File.lastModified) or a "
            "time with its offset, such as 2024-07-14T18:30:00Z");
      }
      return true;
    }
    // Closed now, so that a request of many files holds one descriptor.
    if (current_ && current_->staged) current_->staged->Close();
    current_ = nullptr;
    return true;
  }

  // Hands every staged file to the library, in order; each gets its own
  // result.
  void IngestAll() {
    for (Part& part : parts_) {
      if (part.too_large) {
        Record(part, Status::TooLarge("file too large: over the limit of " +
                                      FormatSize(state_.config.max_upload_bytes)));
        continue;
      }
      IngestRequest request;
      request.filename = part.filename;
      // Without it, a photo without an EXIF date is dated by its arrival.
      request.mtime = part.mtime;
      request.consume_source = true;
      request.source = part.staged->Release();  // the library removes it on any outcome
      part.staged.reset();
      auto result = state_.library.Ingest(owner_, request);
      if (!result.ok()) {
        Record(part, result.status());
        continue;
      }
      nlohmann::json record = PhotoToJson(result->photo);
      if (result->outcome == IngestOutcome::kDuplicate) {
        record["duplicate"] = true;
        results_.push_back({200, std::move(record)});
      } else if (result->outcome == IngestOutcome::kRestored) {
        record["restored"] = true;  // it was in the trash: back, not a second one
        results_.push_back({200, std::move(record)});
      } else {
        results_.push_back({201, std::move(record)});
      }
    }
  }

  std::size_t files() const { return parts_.size(); }
  bool too_many_files() const { return too_many_files_; }
  const std::optional<Status>& failure() const { return failure_; }
  // Staging went past what the quota leaves: the body must not be read on.
  const std::optional<Status>& over_quota() const { return over_quota_; }
  // The request's fault (a bad last_modified): 400, nothing stored.
  const std::optional<std::string>& refusal() const { return refusal_; }
  // A last_modified with no file after it, once the body has ended.
  bool dangling_last_modified() const { return pending_mtime_.has_value(); }
  std::vector<PartResult>& results() { return results_; }

 private:
  struct Part {
    std::string filename;
    std::optional<StagedFile> staged;
    std::optional<std::int64_t> mtime;  // from the last_modified before it
    std::int64_t bytes = 0;
    bool too_large = false;
  };

  void Record(const Part& part, const Status& status) {
    const HttpError e = ToHttpError(status);
    if (e.code == "internal") spdlog::error("upload failed: {}", status.ToString());
    results_.push_back(
        {e.status,
         {{"error", {{"code", e.code}, {"message", e.message}}}, {"filename", part.filename}}});
  }
  // Counts `n` more bytes to stage; false (and over_quota_ or failure_ set)
  // when the user's staged bytes pass what their quota leaves.
  bool Stage(std::size_t n) {
    const std::int64_t staged = ledger_.Stage(static_cast<std::int64_t>(n));
    if (staged <= free_bytes_) return true;
    // Photos deleted since the upload began may have made room: ask again
    // before refusing, and keep the answer.
    if (Status s = state_.library.CheckQuota(owner_, staged); !s.ok()) {
      if (s.code() != Code::kQuotaExceeded) return Fail(s);
      over_quota_ = s;
      return false;
    }
    auto free = state_.library.FreeQuota(owner_);
    if (!free.ok()) return Fail(free.status());
    free_bytes_ = *free;
    return true;
  }
  bool Fail(const Status& status) {
    failure_ = status;
    return false;
  }
  bool Refuse(std::string why) {
    refusal_ = std::move(why);
    return false;
  }

  ServerState& state_;
  const UserId owner_;
  UploadLedger::Entry& ledger_;
  std::int64_t free_bytes_;  // what the quota left when last asked
  std::optional<Status> over_quota_;
  std::deque<Part> parts_;  // a deque: current_ stays valid as parts are added
  Part* current_ = nullptr;
  bool too_many_files_ = false;
  bool reading_last_modified_ = false;
  std::string last_modified_;                  // the field's text, bounded
  std::optional<std::int64_t> pending_mtime_;  // for the next file part
  std::optional<std::string> refusal_;
  std::optional<Status> failure_;
  std::vector<PartResult> results_;
};

// Reads the rest of a body that is refused anyway, so that the connection
// stays in step and a client still sending gets the answer; the whole-
// request cap bounds it. False when the body could not be read whole: the
// connection must then be closed.
bool DrainBody(ServerState& state, const httplib::ContentReader& reader) {
  std::size_t received = 0;
  return reader([&](const char*, std::size_t n) {
    received += n;
    return received <= state.max_upload_request_bytes;
  });
}

void Upload(ServerState& state, const httplib::Request& req, httplib::Response& res,
            const Caller& caller, const httplib::ContentReader& reader) {
  // The body is parsed by MultipartReader (request_bodies.h, fuzzed), not
  // by the library: hiding the type makes the library's reader hand over
  // the raw bytes. `req` is the server's own mutable Request object, so the
  // cast is well-defined.
  const std::optional<std::string> boundary =
      MultipartReader::BoundaryOf(req.get_header_value("Content-Type"));
  const_cast<httplib::Request&>(req).headers.erase("Content-Type");
  const auto refuse = [&](const HttpError& error) {
    const bool drained = DrainBody(state, reader);
    SendError(res, error);
    if (!drained) CloseAfterResponse(req, res);
  };
  if (!boundary) {
    return refuse(
        {400, "bad_request", "expected a multipart/form-data body with one or more 'file' fields"});
  }
  // Fail before receiving anything when the account is already full.
  if (Status s = state.library.CheckQuota(caller.user.id, 1); !s.ok()) {
    return refuse(ToHttpError(s));
  }
  // Each upload in flight holds a thread and a staging file: bounded per
  // user. Declared before the session, so that the staged files are gone
  // before their bytes leave the ledger.
  std::optional<UploadLedger::Entry> in_flight = state.uploads.Begin(caller.user.id);
  if (!in_flight) {
    res.set_header("Retry-After", "1");
    return refuse({429, "too_many_requests",
                   "too many uploads in flight for this user (at most " +
                       std::to_string(state.options.max_uploads_per_user) + ")"});
  }
  auto free_bytes = state.library.FreeQuota(caller.user.id);
  if (!free_bytes.ok()) return refuse(ToHttpError(free_bytes.status()));
  UploadSession session(state, caller.user.id, *in_flight, *free_bytes);
  MultipartReader multipart(*boundary, session);
  std::size_t received = 0;
  bool over_limit = false;
  bool well_formed = true;
  const bool read = reader([&](const char* data, std::size_t n) {
    // Counted here as well: the library caps only bodies with a
    // Content-Length, not chunked ones.
    received += n;
    if (received > state.max_upload_request_bytes) {
      over_limit = true;
      return false;
    }
    // A body that went wrong is read on and dropped, so that the
    // connection stays in step and the client gets the answer.
    if (well_formed) well_formed = multipart.Feed({data, n});
    // Past the quota: stop reading at once rather than drain a body that
    // could be as large as the request cap.
    return !session.over_quota();
  });
  // From here on, returning destroys the session, which removes every
  // staged file that was not ingested.
  if (!read) {
    // The rest of the body is unread (or the client is gone): answer, then
    // close.
    if (session.over_quota()) {
      spdlog::info("upload by {} stopped: {}", caller.user.name, session.over_quota()->message());
      SendStatus(res, *session.over_quota());
    } else if (over_limit) {
      SendError(res, 413, "too_large", "request too large");
    } else {
      SendError(res, 400, "bad_request", "incomplete request body");
    }
    return CloseAfterResponse(req, res);
  }
  if (session.failure()) return SendStatus(res, *session.failure());
  if (session.refusal()) return SendError(res, 400, "bad_request", *session.refusal());
  if (session.too_many_files()) {
    return SendError(
        res, 413, "too_large",
        "too many files in one request (at most " + std::to_string(kMaxFilesPerRequest) + ")");
  }
  if (!well_formed || !multipart.Finish()) {
    spdlog::info("upload refused: malformed multipart body: {}", multipart.error());
    return SendError(res, 400, "bad_request", "malformed multipart body");
  }
  if (session.files() == 0) {
    return SendError(res, 400, "bad_request", "no 'file' field in the multipart body");
  }
  if (session.dangling_last_modified()) {
    return SendError(res, 400, "bad_request", "a last_modified field must come before its file");
  }
  // The whole body arrived and is well-formed: only now is anything stored.
  session.IngestAll();
  auto& results = session.results();
  if (results.size() == 1) return SendJson(res, results[0].status, results[0].body);
  // Several files: each keeps its own status; the response has theirs when
  // they agree, and 207 when they differ.
  int status = results[0].status;
  nlohmann::json list = nlohmann::json::array();
  for (auto& r : results) {
    if (r.status != status) status = 207;
    list.push_back({{"status", r.status}, {"result", std::move(r.body)}});
  }
  SendJson(res, status, {{"results", std::move(list)}});
}

}  // namespace

void AddUploadRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"POST", "/api/v1/photos", Access::kUser, nullptr,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c,
                 const httplib::ContentReader& reader) { Upload(*s, req, res, c, reader); }});
}

}  // namespace octopus::http
